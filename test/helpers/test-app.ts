import 'reflect-metadata';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, listen } from '../../src/app.factory.js';
import { type AppConfig, configWith } from '../../src/config/app-config.js';
import { createScratchDatabase, testDatabaseServerUrl } from './test-database.js';

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  /** http://127.0.0.1:<port> */
  url: string;
  dir: string;
  close(): Promise<void>;
}

/**
 * The real application on port 0 with a real database: a SQLite file in a temp folder, or a
 * scratch PostgreSQL database under `npm run test:services`. `dir` survives restarts when given.
 */
export async function startTestApp(
  overrides: Partial<AppConfig> = {},
  dir?: string,
): Promise<TestApp> {
  const workDir = dir ?? mkdtempSync(join(tmpdir(), 'sitewatch-'));
  const serverUrl = testDatabaseServerUrl();
  const scratch =
    serverUrl && !overrides.databaseUrl ? await createScratchDatabase(serverUrl) : undefined;
  const config = configWith({
    host: '127.0.0.1',
    port: 0,
    databasePath: join(workDir, 'sitewatch.sqlite'),
    databaseUrl: scratch?.url,
    tcpHost: '127.0.0.1',
    tcpPort: 0,
    mqttHost: '127.0.0.1',
    mqttPort: 0,
    activityLogFile: join(workDir, 'activity_log.txt'),
    logLevel: (process.env.SITEWATCH_TEST_LOG_LEVEL as AppConfig['logLevel']) ?? 'error',
    ...overrides,
  });
  const app = await createApp(config);
  const port = await listen(app, config);
  let closed = false;
  return {
    app,
    config,
    url: `http://127.0.0.1:${port}`,
    dir: workDir,
    async close() {
      if (closed) {
        return;
      }
      closed = true;
      await app.close();
      await scratch?.drop();
      if (!dir) {
        rmSync(workDir, { recursive: true, force: true });
      }
    },
  };
}
