import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { MonitorService } from '../metrics/monitor.service.js';
import { localDay } from './activity-text.js';
import type { ActivityEntry } from './facility-actions.js';
import { OccupancyService } from './occupancy.service.js';
import { lastResetAt, resetCron } from './reset-time.js';

/** The name of the daily reset's job in the SchedulerRegistry. */
export const RESET_JOB = 'occupancy-reset';

// A timer may fire a little before the minute it was set for; that tick is still that day's reset.
const EARLY_TICK_MS = 5000;
// A reset that failed (database unavailable) is tried again for a while, as the same day's reset.
const RETRY_MS = 60_000;
const ATTEMPTS = 10;

/**
 * OCCUPANCY_RESET_AT: the count goes to 0 daily at that local time, once across all instances
 * (the occupancy row records the day of the last reset, checked under its lock). At start, a
 * reset missed while no instance ran is made up when the count has not changed since.
 */
@Injectable()
export class OccupancyResetService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OccupancyResetService.name);
  private retry: NodeJS.Timeout | undefined;
  private closing = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly occupancy: OccupancyService,
    private readonly scheduler: SchedulerRegistry,
    private readonly clock: Clock,
    private readonly monitor: MonitorService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const resetAt = this.config.occupancyResetAt;
    if (!resetAt) {
      return;
    }
    // no time zone given: the job follows the server's local time, as the text log does
    const job = CronJob.from({ cronTime: resetCron(resetAt), onTick: () => void this.tick() });
    this.scheduler.addCronJob(RESET_JOB, job);
    job.start();
    try {
      if (await this.catchUp()) {
        this.logger.log(`Occupancy reset to 0 at start: the ${resetAt} reset was missed`);
      }
    } catch (error) {
      this.logger.error(`Catching up the daily occupancy reset failed: ${String(error)}`);
    }
  }

  beforeApplicationShutdown(): void {
    this.closing = true;
    clearTimeout(this.retry);
  }

  /**
   * What the job does at OCCUPANCY_RESET_AT: the reset of the latest reset time at or before
   * `now`, unless it was made already (on this or another instance). Null when not made.
   */
  async resetIfDue(now = this.clock.now()): Promise<ActivityEntry | null> {
    const day = this.dueDay(now);
    return day ? this.occupancy.resetDaily(day) : null;
  }

  /**
   * At start: the reset of the latest reset time, missed while no instance ran, when the count
   * is above 0 and last changed before that time. A count that moved after it (an instance was
   * counting, or OCCUPANCY_RESET_AT was just set) is left alone.
   */
  async catchUp(now = this.clock.now()): Promise<ActivityEntry | null> {
    const resetAt = this.config.occupancyResetAt;
    if (!resetAt) {
      return null;
    }
    const moment = lastResetAt(resetAt, now);
    return this.occupancy.resetDaily(localDay(moment), moment / 1000);
  }

  private dueDay(now: number): string | null {
    const resetAt = this.config.occupancyResetAt;
    return resetAt ? localDay(lastResetAt(resetAt, now + EARLY_TICK_MS)) : null;
  }

  private async tick(day = this.dueDay(this.clock.now()), attempt = 1): Promise<void> {
    if (!day || this.closing) {
      return;
    }
    try {
      const entry = await this.occupancy.resetDaily(day);
      this.logger.log(`Daily occupancy reset of ${day} ${entry ? 'made' : 'already made'}`);
    } catch (error) {
      const again = attempt < ATTEMPTS && !this.closing;
      const message = `Daily occupancy reset of ${day} failed${again ? `, trying again in ${RETRY_MS / 1000} s` : ''}: ${String(error)}`;
      this.logger.error(message);
      this.monitor.logEvent('error', message, { day, attempt });
      if (again) {
        this.retry = setTimeout(() => void this.tick(day, attempt + 1), RETRY_MS);
      }
    }
  }
}
