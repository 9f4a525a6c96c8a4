import type { INestApplication } from '@nestjs/common';
import type { Request, Response } from 'express';
import { rateLimit } from 'express-rate-limit';

/**
 * HTTP_RATE_LIMIT requests a second per client address (express-rate-limit, in memory per
 * instance), before any parsing or credential check, so a flood costs little. Health probes are
 * exempt: a load balancer must always get an answer. 0 turns the limit off.
 */
export function useRateLimit(app: INestApplication, perSecond: number): void {
  if (perSecond === 0) {
    return;
  }
  app.use(
    rateLimit({
      windowMs: 1000,
      limit: perSecond,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      skip: (req: Request) => req.path.startsWith('/health/'),
      handler: (_req: Request, res: Response) => {
        res.setHeader('Retry-After', '1');
        res.status(429).json({
          statusCode: 429,
          error: 'Too Many Requests',
          message: `over ${perSecond} requests a second from this address (HTTP_RATE_LIMIT)`,
        });
      },
    }),
  );
}
