import type { LoggerService } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type DestinationStream, type Level, type Logger as Pino, pino } from 'pino';
import type { LogLevel } from '../config/app-config.js';

/**
 * Structured JSON logs (pino) on standard output: one root logger for the application and for
 * request lines.
 *
 * No AsyncLocalStorage: on Node 20 a single `run()` turns on promise hooks for every promise in
 * the process from then on (the first health probe would do it), and in adjacent runs they
 * cost a TCP command about a tenth of its main-thread time. So application lines do not carry
 * the id of the request they were logged in; each request's own line does.
 */
export function rootLogger(level: LogLevel, destination?: DestinationStream): Pino {
  const options = { level, redact: ['req.headers.authorization', 'req.headers["x-api-key"]'] };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * Logs each request when it ends: at debug when it succeeds, warn or error when not, with its
 * id, method, path (no query string), address, status and time. Device ingest is left out (its
 * per-request cost was a sixth of an ingest request): refused documents are logged by
 * IngestRejectionFilter, failures by the exceptions filter. Not pino-http: it builds a child
 * logger per request and serialises the request into it at once, logged or not, which was a
 * fifth of the time of a `/get-last-entity` request.
 */
export function useRequestLogging(app: NestExpressApplication, root: Pino): void {
  let lastId = 0;
  app.use((req: IncomingMessage, res: ServerResponse, next: () => void) => {
    if (isDeviceIngest(req)) {
      next();
      return;
    }
    const line = { id: ++lastId, url: req.url ?? '', started: performance.now() };
    res.once('close', () => logRequest(root, req, res, line));
    next();
  });
}

function logRequest(
  root: Pino,
  req: IncomingMessage,
  res: ServerResponse,
  { id, url, started }: { id: number; url: string; started: number },
): void {
  const completed = res.writableFinished;
  const { statusCode } = res;
  const level = statusCode >= 500 ? 'error' : statusCode >= 400 || !completed ? 'warn' : 'debug';
  if (!root.isLevelEnabled(level)) {
    return;
  }
  // Device payloads, credentials and headers stay out of the logs.
  const request = {
    id,
    method: req.method,
    url: url.split('?')[0],
    remoteAddress: req.socket.remoteAddress,
  };
  root[level](
    { req: request, res: { statusCode }, responseTime: Math.round(performance.now() - started) },
    completed ? 'request completed' : 'request aborted',
  );
}

function isDeviceIngest({ method, url = '' }: IncomingMessage): boolean {
  if (method !== 'POST') {
    return false;
  }
  const path = url.split('?')[0];
  return path === '/receive-json' || path === '/api/readings/batch';
}

/**
 * Nest's logger interface on pino: the last extra argument is the context (the class that
 * logs), an Error message is logged as `err`, and `error(message, stack)` from Nest's own
 * exception handlers keeps its stack.
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly root: Pino) {}

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.root.isLevelEnabled(level)) {
      return;
    }
    const fields: Record<string, unknown> = {};
    const rest = params.slice(0, -1);
    if (params.length > 0) {
      fields.context = params[params.length - 1];
    }
    if (message instanceof Error) {
      fields.err = message;
      this.root[level](fields, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.root[level]({ ...fields, ...message });
    } else if (level === 'error' && typeof rest[0] === 'string' && /\n\s*at /.test(rest[0])) {
      const err = new Error(String(message));
      err.stack = rest[0];
      this.root[level]({ ...fields, err }, String(message));
    } else {
      this.root[level](fields, String(message), ...rest);
    }
  }
}
