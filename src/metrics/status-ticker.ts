import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { MonitorService } from './monitor.service.js';

const PROBE_TIMEOUT_MS = 2000;

/** Every 5 s: checks the database for real and sends `status` to live clients. */
@Injectable()
export class StatusTicker implements OnApplicationBootstrap {
  private readonly logger = new Logger(StatusTicker.name);

  constructor(
    private readonly monitor: MonitorService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.probeDatabase();
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
      this.monitor.updateComponent('database', 'error', (error as Error).message.slice(0, 200));
    } finally {
      clearTimeout(timer);
    }
  }
}
