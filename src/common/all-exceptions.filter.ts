import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Response } from 'express';
import {
  DATABASE_RETRY_AFTER_SECONDS,
  describeDatabaseError,
  isDatabaseUnavailable,
} from '../database/database-errors.js';

/**
 * Answers HTTP errors as they are; a database that is down or busy is a 503 with `Retry-After`
 * (the client should try again, nothing was stored); anything else unexpected is logged and
 * answered with a plain 500.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger(AllExceptionsFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') {
      return;
    }
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (exception instanceof HttpException) {
      this.answerHttpException(exception, res);
      return;
    }
    if (isDatabaseUnavailable(exception)) {
      this.logger.warn(`Answered 503, database unavailable: ${describeDatabaseError(exception)}`);
      res.set('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS)).status(503).json({
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'database unavailable, retry later',
      });
      return;
    }
    this.logger.error(
      exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
    );
    res
      .status(500)
      .json({ statusCode: 500, error: 'Internal Server Error', message: 'Internal server error' });
  }

  private answerHttpException(exception: HttpException, res: Response): void {
    const status = exception.getStatus();
    const body = exception.getResponse();
    // Shutting down or not ready: tell well-behaved clients when to come back.
    if (status === HttpStatus.SERVICE_UNAVAILABLE && !res.get('Retry-After')) {
      res.set('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
    }
    res
      .status(status)
      .json(typeof body === 'string' ? { statusCode: status, message: body } : body);
  }
}
