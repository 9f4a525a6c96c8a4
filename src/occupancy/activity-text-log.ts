import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';

/**
 * The classic plain-text activity log (ACTIVITY_LOG_FILE). Lines are appended in commit order,
 * one write per committed group; a failed write is logged and never stops the counting.
 */
@Injectable()
export class ActivityTextLog implements OnApplicationShutdown {
  private readonly logger = new Logger(ActivityTextLog.name);
  private tail: Promise<void>;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.tail = mkdir(dirname(config.activityLogFile), { recursive: true }).then(
      () => undefined,
      (error: unknown) =>
        this.logger.error(
          `Cannot create the folder of ${config.activityLogFile}: ${String(error)}`,
        ),
    );
  }

  append(lines: string[]): void {
    if (lines.length === 0) {
      return;
    }
    const text = lines.map((line) => `${line}\n`).join('');
    this.tail = this.tail.then(() =>
      appendFile(this.config.activityLogFile, text, 'utf8').catch((error: unknown) =>
        this.logger.error(`Cannot append to ${this.config.activityLogFile}: ${String(error)}`),
      ),
    );
  }

  /** Resolves once every line appended so far is written. */
  flushed(): Promise<void> {
    return this.tail;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.tail;
  }
}
