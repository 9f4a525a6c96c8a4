import { RequestMethod } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { LogLevel } from '../config/app-config.js';

/**
 * Structured JSON logs; a request is logged at debug when it succeeds, warn or error when not.
 * Device ingest is left out of the request logger (its per-request cost was a sixth of an ingest
 * request): refused documents are logged by IngestRejectionFilter, failures by the exceptions
 * filter.
 */
export function pinoOptions(level: LogLevel): Params {
  return {
    exclude: [
      { method: RequestMethod.POST, path: 'receive-json' },
      { method: RequestMethod.POST, path: 'api/readings/batch' },
    ],
    pinoHttp: {
      level,
      customLogLevel: (_req: IncomingMessage, res: ServerResponse, error?: Error) => {
        if (error || res.statusCode >= 500) {
          return 'error';
        }
        return res.statusCode >= 400 ? 'warn' : 'debug';
      },
      // Device payloads and credentials stay out of the logs.
      serializers: {
        req: (req: { method: string; url: string; remoteAddress?: string }) => ({
          method: req.method,
          url: req.url?.split('?')[0],
          remoteAddress: req.remoteAddress,
        }),
      },
      redact: ['req.headers.authorization', 'req.headers["x-api-key"]'],
    },
  };
}
