import type { NestExpressApplication } from '@nestjs/platform-express';
import { join } from 'node:path';
import { projectRoot } from '../common/project-root.js';

/**
 * Scripts and styles of the pages, all served by sitewatch itself so the pages work on a
 * closed network: our own under /assets, Chart.js under /vendor (the Socket.IO client is
 * served by Socket.IO at /socket.io/socket.io.min.js).
 */
export function useWebAssets(app: NestExpressApplication): void {
  const root = projectRoot();
  app.useStaticAssets(join(root, 'views', 'assets'), { prefix: '/assets/', maxAge: '1h' });
  app.useStaticAssets(join(root, 'node_modules', 'chart.js', 'dist'), {
    prefix: '/vendor/chart.js/',
    maxAge: '1d',
  });
}
