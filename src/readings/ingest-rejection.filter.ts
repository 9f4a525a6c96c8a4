import { type ArgumentsHost, Catch, HttpException, Injectable, Logger } from '@nestjs/common';
import type { Request } from 'express';
import { AllExceptionsFilter } from '../common/all-exceptions.filter.js';
import { IngestEvents } from './ingest-events.js';

/** Counts and logs refused ingest requests (4xx) for the acceptance rate, then answers as usual. */
@Injectable()
@Catch()
export class IngestRejectionFilter extends AllExceptionsFilter {
  private readonly log = new Logger('Ingest');

  constructor(private readonly ingest: IngestEvents) {
    super();
  }

  override catch(exception: unknown, host: ArgumentsHost): void {
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      const req = host.switchToHttp().getRequest<Request>();
      const body: unknown = req.body;
      this.log.warn(
        `${req.method} ${req.path} from ${req.ip}: ${exception.getStatus()} ${exception.message}`,
      );
      this.ingest.rejected('http', Array.isArray(body) ? Math.max(body.length, 1) : 1);
    }
    super.catch(exception, host);
  }
}
