import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import sqlite3 from 'sqlite3';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';

/** How often the write-ahead log is copied into the database file. */
export const CHECKPOINT_INTERVAL_MS = 1000;
/**
 * WAL pages after which a committing writer checkpoints by itself: only a backstop for when
 * this checkpointer falls behind (SQLite's default is 1000 pages, 4 MB). Set with the
 * connection's other pragmas in DatabaseModule.
 */
export const BACKSTOP_PAGES = 20000;

/** What one checkpoint did, as `PRAGMA wal_checkpoint` answers. */
export interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

/**
 * SQLite: copies the write-ahead log into the database file from a second connection, once a
 * second. Left to itself SQLite does this inside the commit that crosses 1000 WAL pages, so
 * every few transactions one writer paid for copying and syncing megabytes while the readings
 * behind it waited; batch ingest gained a tenth with the copy moved off the write path. A
 * PASSIVE checkpoint never blocks the writer or readers.
 */
@Injectable()
export class WalCheckpointer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WalCheckpointer.name);
  private connection: sqlite3.Database | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  /** The last checkpoint's result. */
  last: CheckpointResult | null = null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async onApplicationBootstrap(): Promise<void> {
    // DATABASE_URL selects PostgreSQL, which checkpoints by itself.
    if (this.config.databaseUrl || this.config.databasePath === ':memory:') {
      return;
    }
    // TypeORM has just opened the same file, so this fails only in odd cases; the writer's
    // backstop then checkpoints as SQLite would by itself.
    this.connection = new sqlite3.Database(this.config.databasePath, (error) => {
      if (error) {
        this.logger.warn(`WAL checkpoints left to the writer: ${String(error)}`);
        this.connection = null;
      }
    });
    this.connection.configure('busyTimeout', 5000);
    this.timer = setInterval(() => void this.checkpoint(), CHECKPOINT_INTERVAL_MS).unref();
  }

  /** One PASSIVE checkpoint; skipped while the previous one still runs. */
  async checkpoint(): Promise<void> {
    if (!this.connection || this.running) {
      return;
    }
    this.running = true;
    try {
      this.last = await new Promise<CheckpointResult>((resolve, reject) =>
        this.connection!.get('PRAGMA wal_checkpoint(PASSIVE)', (error, row) =>
          error ? reject(error) : resolve(row as CheckpointResult),
        ),
      );
    } catch (error) {
      // The writer's backstop checkpoint still bounds the log.
      this.logger.warn(`WAL checkpoint failed: ${String(error)}`);
    } finally {
      this.running = false;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) {
      clearInterval(this.timer);
    }
    const connection = this.connection;
    this.connection = null;
    await new Promise<void>((resolve) =>
      connection ? connection.close(() => resolve()) : resolve(),
    );
  }
}
