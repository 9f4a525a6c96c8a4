import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { describeDatabaseError, isDatabaseUnavailable } from '../database/database-errors.js';
import type { CommitOutcome } from '../database/group-commit.js';
import { ReadingWriter } from '../readings/reading-writer.js';
import { MonitorService } from './monitor.service.js';

const PROBE_TIMEOUT_MS = 2000;

/**
 * Every 5 s: checks the database for real and sends `status` to live clients. A write that
 * fails because the database is unavailable marks it `error` at once, without waiting for the
 * next probe; only a probe that gets an answer marks it `online` again.
 */
@Injectable()
export class StatusTicker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(StatusTicker.name);
  private unsubscribe?: () => void;

  constructor(
    private readonly monitor: MonitorService,
    private readonly writer: ReadingWriter,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.unsubscribe = this.writer.onOutcome((outcome) => this.failedWrite(outcome));
    await this.probeDatabase();
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  @Interval(5000)
  async tick(): Promise<void> {
    await this.probeDatabase();
    const { timestamp, status, components, metrics } = this.monitor.status();
    this.monitor.publish('status', { timestamp, status, components, metrics });
  }

  async probeDatabase(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)),
        PROBE_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([this.dataSource.query('SELECT 1'), timeout]);
      this.monitor.updateComponent('database', 'online', this.dataSource.options.type);
    } catch (error) {
      this.monitor.updateComponent('database', 'error', describeDatabaseError(error));
    } finally {
      clearTimeout(timer);
    }
  }

  private failedWrite({ ok, error }: CommitOutcome): void {
    if (!ok && isDatabaseUnavailable(error)) {
      this.monitor.updateComponent('database', 'error', describeDatabaseError(error));
    }
  }
}
