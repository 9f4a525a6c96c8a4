import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnModuleInit,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AlertsService } from '../alerts/alerts.service.js';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { GroupCommit } from '../database/group-commit.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import { MonitorService } from '../metrics/monitor.service.js';
import { classicLine, localDay } from './activity-text.js';
import { ActivityTextLog } from './activity-text-log.js';
import {
  type ActivityEntry,
  correctionAction,
  dailyResetAction,
  type FacilityAction,
} from './facility-actions.js';
import { type ActionResult, type AppliedAction, applyActions } from './occupancy-writes.js';
import { Occupancy } from './occupancy.entity.js';
import { SqliteOccupancyStore } from './sqlite-occupancy-store.js';

export interface OccupancySnapshot {
  occupancy: number;
  capacity: number;
  peakToday: number;
  /** Unix seconds of the last change. */
  updatedAt: number;
}

/** Facility actions in one transaction at most. */
const MAX_GROUP_ACTIONS = 1000;

/**
 * The facility's occupancy and activity log. Every action goes through group commit and is
 * answered only once committed; live clients, the text log and alerts follow in commit order.
 */
@Injectable()
export class OccupancyService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(OccupancyService.name);
  private readonly group: GroupCommit<FacilityAction, ActionResult>;
  private overCapacity = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(Occupancy) private readonly state: Repository<Occupancy>,
    tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly monitor: MonitorService,
    private readonly alerts: AlertsService,
    private readonly textLog: ActivityTextLog,
  ) {
    const sqlite =
      tx.dialect === 'sqlite' ? new SqliteOccupancyStore(tx, state.manager) : undefined;
    this.group = new GroupCommit({
      name: OccupancyService.name,
      maxGroup: MAX_GROUP_ACTIONS,
      commit: (actions) =>
        sqlite
          ? sqlite.apply(actions, this.clock.now())
          : tx.run((manager) => applyActions(manager, tx, actions, this.clock.now())),
      afterCommit: (applied) => this.announce(applied),
    });
  }

  async onModuleInit(): Promise<void> {
    const { occupancy } = await this.snapshot();
    this.monitor.setGauge('occupancy', occupancy);
    this.overCapacity = occupancy > this.config.maxOccupancy;
  }

  /** Applies one action once committed; answers its activity entry. */
  async apply(action: FacilityAction): Promise<ActivityEntry> {
    const [applied] = await this.group.submit([action]);
    if (!applied) {
      throw new Error(`${action.command} was not applied`);
    }
    return applied.entry;
  }

  /**
   * Sets the count (the admin correction), in line with device commands: answers the state
   * right after it committed, before any command committed after it.
   */
  async correct(occupancy: number, reason: string): Promise<OccupancySnapshot> {
    const [applied] = await this.group.submit([correctionAction(occupancy, reason)]);
    if (!applied) {
      throw new Error('OccupancyCorrected was not applied');
    }
    return this.snapshotOf(applied);
  }

  /**
   * The daily reset of local day `day`, unless the row already holds it (another instance, or an
   * earlier call, made it). Answers its activity entry, or null when it was not due.
   */
  async resetDaily(day: string, staleBefore?: number): Promise<ActivityEntry | null> {
    const [applied] = await this.group.submit([dailyResetAction(day, staleBefore)]);
    return applied?.entry ?? null;
  }

  async snapshot(): Promise<OccupancySnapshot> {
    const row = await this.state.findOneByOrFail({ id: 1 });
    const today = localDay(this.clock.now());
    return {
      occupancy: row.count,
      capacity: this.config.maxOccupancy,
      peakToday: row.peakDay === today ? row.peak : row.count,
      updatedAt: row.updatedAt,
    };
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.group.close();
  }

  private snapshotOf({ entry, peakToday }: AppliedAction): OccupancySnapshot {
    return {
      occupancy: entry.occupancy,
      capacity: this.config.maxOccupancy,
      peakToday,
      updatedAt: entry.at,
    };
  }

  private announce(results: ActionResult[]): void {
    const applied = results.filter((result): result is AppliedAction => result !== null);
    if (applied.length === 0) {
      return;
    }
    this.textLog.append(
      applied.map(({ entry }) => classicLine(entry.at, entry.text, entry.occupancy)),
    );
    for (const item of applied) {
      const { entry, alreadyEmpty } = item;
      this.monitor.publish('occupancy', this.snapshotOf(item));
      this.monitor.publish('activity', entry);
      if (alreadyEmpty) {
        this.monitor.logEvent(
          'warning',
          `${entry.deviceId ?? 'A device'} reported an exit while the facility was empty`,
          { activityId: entry.id },
        );
      }
      if (entry.command === 'SafetySystem_Active') {
        this.raise({
          rule: 'evacuation',
          subject: 'facility',
          severity: 'error',
          message: `Safety system activated${entry.deviceId ? ` by ${entry.deviceId}` : ''}: evacuate`,
        });
      }
      this.checkCapacity(entry.occupancy);
    }
    this.monitor.setGauge('occupancy', applied[applied.length - 1].entry.occupancy);
  }

  private checkCapacity(occupancy: number): void {
    const over = occupancy > this.config.maxOccupancy;
    if (over === this.overCapacity) {
      return;
    }
    this.overCapacity = over;
    if (over) {
      this.raise({
        rule: 'capacity',
        subject: 'facility',
        severity: 'warning',
        message: `Occupancy ${occupancy} over capacity ${this.config.maxOccupancy}`,
      });
    } else {
      this.alerts
        .resolveOpen('capacity', 'facility')
        .catch((error: unknown) =>
          this.logger.error(`Resolving capacity failed: ${String(error)}`),
        );
    }
  }

  private raise(signal: Parameters<AlertsService['raise']>[0]): void {
    this.alerts
      .raise(signal)
      .catch((error: unknown) =>
        this.logger.error(`Raising ${signal.rule} failed: ${String(error)}`),
      );
  }
}
