import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { createApp, listen } from './app.factory.js';
import { applyHeapPolicy } from './common/heap-policy.js';
import { StartupError } from './common/startup-error.js';
import { loadConfig } from './config/app-config.js';
import { ConfigError } from './config/env-parsers.js';

/** Prints one line for the operator and stops: bad configuration and busy ports are not crashes. */
function stop(error: unknown): never {
  const known = error instanceof ConfigError || error instanceof StartupError;
  process.stderr.write(
    `sitewatch: ${known ? (error as Error).message : String((error as Error)?.stack ?? error)}\n`,
  );
  process.exit(known ? 78 : 1);
}

async function main(): Promise<void> {
  applyHeapPolicy();
  if (existsSync('.env')) {
    process.loadEnvFile('.env');
  }
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    stop(error);
  }
  const app = await createApp(config);
  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) {
      return;
    }
    closing = true;
    // Stop accepting, commit what was accepted (the writer drains in its shutdown hook), close.
    app
      .close()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        process.stderr.write(`sitewatch: shutdown after ${signal} failed: ${String(error)}\n`);
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  await listen(app, config);
}

main().catch(stop);
