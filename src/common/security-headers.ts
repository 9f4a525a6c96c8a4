import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';

/**
 * The pages load only their own scripts, styles and images and talk only to their own origin
 * (Socket.IO included), so the policy allows nothing else: no inline code, no eval. The upgrade
 * to https is left out: sitewatch is often reached over plain http on a site network.
 */
export const CONTENT_SECURITY_POLICY = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    fontSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
};

/** helmet's headers everywhere; Swagger UI (/api/docs) needs inline code, so it has no CSP. */
export function useSecurityHeaders(app: INestApplication): void {
  const strict = helmet({ contentSecurityPolicy: CONTENT_SECURITY_POLICY });
  const docs = helmet({ contentSecurityPolicy: false });
  app.use((req: Request, res: Response, next: NextFunction) =>
    (req.path.startsWith('/api/docs') ? docs : strict)(req, res, next),
  );
}
