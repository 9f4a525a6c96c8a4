import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { setTimeout as sleep } from 'node:timers/promises';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import { MonitorService } from '../metrics/monitor.service.js';
import { deleteReadingsBefore, FIRST_CHUNK, nextChunkSize } from './expired-readings.js';

const DAY_SECONDS = 86400;
/** Between two delete transactions, so ingest and other writers are never starved by a backlog. */
const PAUSE_MS = 10;

/** What one pass deleted. */
export interface RetentionPass {
  deleted: number;
  /** Readings older than this (Unix seconds) were deleted. */
  cutoff: number;
  transactions: number;
  /** The longest delete transaction, commit included: on SQLite, ingest's longest wait on it. */
  longestMs: number;
}

/**
 * RETENTION_DAYS (SPEC 10.3): deletes raw readings older than that, at start and then every
 * 24 hours from start (@Interval rather than @Cron: instances started at different times do not
 * all delete at the same moment). Roll-ups, alerts and the activity log are kept.
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RetentionService.name);
  private readonly stopping = new AbortController();
  private pass: Promise<RetentionPass | null> = Promise.resolve(null);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly monitor: MonitorService,
  ) {}

  onApplicationBootstrap(): void {
    this.daily();
  }

  @Interval(DAY_SECONDS * 1000)
  daily(): void {
    this.run().catch((error: unknown) =>
      this.logger.warn(`Deleting readings past retention failed: ${String(error)}`),
    );
  }

  /** One pass over everything past retention, after any pass still running; null when off. */
  run(): Promise<RetentionPass | null> {
    this.pass = this.pass.catch(() => null).then(() => this.deleteExpired());
    return this.pass;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.pass.catch(() => undefined);
  }

  private async deleteExpired(): Promise<RetentionPass | null> {
    const days = this.config.retentionDays;
    if (days === undefined || this.stopping.signal.aborted) {
      return null;
    }
    const pass: RetentionPass = {
      deleted: 0,
      cutoff: this.clock.seconds() - days * DAY_SECONDS,
      transactions: 0,
      longestMs: 0,
    };
    let size = FIRST_CHUNK;
    while (!this.stopping.signal.aborted) {
      const { deleted, ms } = await this.deleteChunk(pass.cutoff, size);
      pass.deleted += deleted;
      pass.transactions++;
      pass.longestMs = Math.max(pass.longestMs, ms);
      if (deleted < size) {
        break;
      }
      size = nextChunkSize(size, ms);
      await sleep(PAUSE_MS);
    }
    this.report(days, pass);
    return pass;
  }

  /** One small transaction; timed from when it starts running, not from when it queued. */
  private async deleteChunk(
    cutoff: number,
    size: number,
  ): Promise<{ deleted: number; ms: number }> {
    let started = 0;
    const deleted = await this.tx.run((manager) => {
      started = performance.now();
      return deleteReadingsBefore(manager, this.tx.dialect, cutoff, size);
    });
    return { deleted, ms: performance.now() - started };
  }

  private report(days: number, pass: RetentionPass): void {
    if (pass.deleted === 0) {
      this.logger.debug(`No readings older than ${days} day(s) to delete`);
      return;
    }
    const message = `Deleted ${pass.deleted} reading(s) older than ${days} day(s); hourly roll-ups kept`;
    this.logger.log(
      `${message} (${pass.transactions} transaction(s), longest ${pass.longestMs.toFixed(1)} ms)`,
    );
    this.monitor.logEvent('info', message, { count: pass.deleted, before: pass.cutoff });
  }
}
