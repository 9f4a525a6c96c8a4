import type { INestApplication } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';

export const BODY_LIMIT = '64kb';
export const BATCH_BODY_LIMIT = '1mb';
const INGEST_PATHS = new Set(['/receive-json', '/api/readings/batch']);

interface BodyParserError extends Error {
  status?: number;
  type?: string;
  limit?: number;
}

/**
 * JSON bodies: 64 KiB, 1 MiB for the batch endpoint. Parser errors (bad JSON, too large) are
 * answered here as JSON, since they happen before Nest's router and filters.
 */
export function useBodyParsing(app: INestApplication, onIngestRejected: () => void): void {
  app.use('/api/readings/batch', express.json({ limit: BATCH_BODY_LIMIT }));
  app.use(express.json({ limit: BODY_LIMIT }));
  app.use((error: BodyParserError, req: Request, res: Response, next: NextFunction) => {
    const status = error.status ?? 500;
    if (status < 500 && INGEST_PATHS.has(req.path)) {
      onIngestRejected();
    }
    if (error.type === 'entity.too.large') {
      res.status(413).json({
        statusCode: 413,
        error: 'Payload Too Large',
        message: `body over the limit of ${error.limit} bytes`,
      });
    } else if (error.type === 'entity.parse.failed') {
      res.status(400).json({
        statusCode: 400,
        error: 'Bad Request',
        message: `body is not valid JSON: ${error.message}`,
        errors: [{ field: 'body', message: 'not valid JSON' }],
      });
    } else if (status >= 400 && status < 500) {
      res.status(status).json({ statusCode: status, message: error.message });
    } else {
      next(error);
    }
  });
}
