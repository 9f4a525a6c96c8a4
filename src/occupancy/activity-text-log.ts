import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { type FileHandle, mkdir, open, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';

/** How often the log's path is looked at again, so a rotated or removed file is reopened. */
export const REOPEN_CHECK_MS = 1000;

/**
 * The classic plain-text activity log (ACTIVITY_LOG_FILE). Lines are appended in commit order,
 * one write per committed group; a failed write is logged and never stops the counting. The file
 * stays open (opening and closing it for every group was three trips to the thread pool, under
 * TCP load hundreds a second); at most once a second the path is checked, and a file moved away
 * by logrotate, or deleted, is followed by a new one at the path.
 */
@Injectable()
export class ActivityTextLog implements OnApplicationShutdown {
  private readonly logger = new Logger(ActivityTextLog.name);
  private tail: Promise<void>;
  private file: { handle: FileHandle; ino: number; checkedAt: number } | null = null;

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
    this.tail = this.tail.then(() => this.write(text));
  }

  /** Resolves once every line appended so far is written. */
  flushed(): Promise<void> {
    return this.tail;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.tail;
    await this.close();
  }

  private async write(text: string): Promise<void> {
    try {
      const { handle } = await this.current();
      await handle.write(text);
    } catch (error) {
      this.logger.error(`Cannot append to ${this.config.activityLogFile}: ${String(error)}`);
      await this.close();
    }
  }

  /** The open file, reopened when the path no longer names it. */
  private async current(): Promise<{ handle: FileHandle }> {
    const now = Date.now();
    if (this.file && now - this.file.checkedAt < REOPEN_CHECK_MS) {
      return this.file;
    }
    const path = this.config.activityLogFile;
    const atPath = await stat(path).catch(() => null);
    if (this.file && atPath?.ino === this.file.ino) {
      this.file.checkedAt = now;
      return this.file;
    }
    await this.close();
    const handle = await open(path, 'a');
    this.file = { handle, ino: (await handle.stat()).ino, checkedAt: now };
    return this.file;
  }

  private async close(): Promise<void> {
    const file = this.file;
    this.file = null;
    await file?.handle.close().catch(() => undefined);
  }
}
