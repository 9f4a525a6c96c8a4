import { ConflictException, Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, In, Repository } from 'typeorm';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { isUniqueViolation } from '../database/unique-violation.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import { MonitorService } from '../metrics/monitor.service.js';
import { Alert, type AlertSeverity, SEVERITY_RANK } from './alert.entity.js';
import type { ListAlertsQuery } from './dto/list-alerts.query.js';

export interface AlertSignal {
  rule: string;
  subject: string;
  severity: AlertSeverity;
  message: string;
  /** Sightings this signal stands for (several readings counted at once); 1 by default. */
  times?: number;
}

export type AlertTransition = 'raised' | 'repeated' | 'escalated' | 'acknowledged' | 'resolved';

/**
 * Alerts with deduplication and the active → acknowledged → resolved lifecycle. At most one
 * alert per rule and subject is open; a repeat within ALERT_DEDUP_SECONDS of its last sighting
 * counts on it. The database's partial unique index keeps that true across instances.
 */
/** Work that must commit in the same transaction as an alert's transition (the notification outbox). */
export type TransitionHook = (
  manager: EntityManager,
  alert: Alert,
  transition: AlertTransition,
) => Promise<void>;

@Injectable()
export class AlertsService {
  private readonly logger = new Logger(AlertsService.name);
  private readonly hooks: TransitionHook[] = [];

  constructor(
    @InjectRepository(Alert) private readonly alerts: Repository<Alert>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly monitor: MonitorService,
  ) {}

  /** `hook` runs inside the transaction of every transition, so its writes commit with it. */
  addTransitionHook(hook: TransitionHook): void {
    this.hooks.push(hook);
  }

  private async runHooks(
    manager: EntityManager,
    alert: Alert,
    transition: AlertTransition,
  ): Promise<void> {
    for (const hook of this.hooks) {
      await hook(manager, alert, transition);
    }
  }

  /** Raises `signal`, or counts it on the open alert of its rule and subject. */
  async raise({ times = 1, ...signal }: AlertSignal): Promise<Alert> {
    for (let attempt = 1; ; attempt++) {
      try {
        const { alert, transition, superseded } = await this.tx.run(async (manager) => {
          const recorded = await this.record(manager.getRepository(Alert), signal, times);
          if (recorded.superseded) {
            await this.runHooks(manager, recorded.superseded, 'resolved');
          }
          await this.runHooks(manager, recorded.alert, recorded.transition);
          return recorded;
        });
        if (superseded) {
          this.announce(superseded, 'resolved');
        }
        await this.announceAndCount(alert, transition);
        return alert;
      } catch (error) {
        // Another instance opened the same alert between our read and our insert: count on it.
        if (attempt < 3 && isUniqueViolation(error)) {
          continue;
        }
        throw error;
      }
    }
  }

  /**
   * Inside a transaction: counts on the open alert when it was seen within the window, else
   * resolves a stale one (it `superseded`) and opens a new alert.
   */
  private async record(
    repo: Repository<Alert>,
    signal: AlertSignal,
    times: number,
  ): Promise<{ alert: Alert; transition: AlertTransition; superseded?: Alert }> {
    const now = this.clock.seconds();
    const open = await repo.findOne({
      where: { rule: signal.rule, subject: signal.subject, state: openState() },
    });
    if (open && open.lastSeen >= now - this.config.alertDedupSeconds) {
      const [alert, transition] = await this.repeat(repo, open, signal, now, times);
      return { alert, transition };
    }
    let superseded: Alert | undefined;
    if (open) {
      await repo.update({ id: open.id }, { state: 'resolved', resolvedAt: now });
      superseded = { ...open, state: 'resolved', resolvedAt: now };
    }
    const created = repo.create({
      ...signal,
      state: 'active',
      firstSeen: now,
      lastSeen: now,
      count: times,
      acknowledgedAt: null,
      resolvedAt: null,
    });
    const saved = await repo.save(created);
    // bigint ids come back from an insert as strings on SQLite
    saved.id = Number(saved.id);
    return { alert: saved, transition: 'raised', superseded };
  }

  /** Resolves the open alert of a rule and subject, when its condition has cleared. */
  async resolveOpen(rule: string, subject: string): Promise<Alert | null> {
    const open = await this.alerts.findOne({ where: { rule, subject, state: openState() } });
    return open ? this.transition(open.id, 'resolved') : null;
  }

  async acknowledge(id: number): Promise<Alert> {
    return this.transition(id, 'acknowledged');
  }

  async resolve(id: number): Promise<Alert> {
    return this.transition(id, 'resolved');
  }

  async list(query: ListAlertsQuery): Promise<Alert[]> {
    const where = {
      state: query.state,
      rule: query.rule,
      subject: query.subject,
      severity: query.severity,
    };
    return this.alerts.find({ where, order: { lastSeen: 'DESC', id: 'DESC' }, take: query.limit });
  }

  /** Open alerts, all and of severity error, from the database: every instance sees the same. */
  async refreshOpenCounts(): Promise<void> {
    const [open, errors] = await Promise.all([
      this.alerts.count({ where: { state: openState() } }),
      this.alerts.count({ where: { state: openState(), severity: 'error' } }),
    ]);
    this.monitor.setGauge('openAlerts', open);
    this.monitor.setGauge('openErrorAlerts', errors);
  }

  private async repeat(
    repo: Repository<Alert>,
    open: Alert,
    signal: AlertSignal,
    now: number,
    times: number,
  ): Promise<readonly [Alert, AlertTransition]> {
    const escalated = SEVERITY_RANK[signal.severity] > SEVERITY_RANK[open.severity];
    const changes = escalated ? { severity: signal.severity, message: signal.message } : {};
    await repo.increment({ id: open.id }, 'count', times);
    await repo.update({ id: open.id }, { lastSeen: now, ...changes });
    const alert = { ...open, ...changes, lastSeen: now, count: open.count + times };
    return [alert, escalated ? 'escalated' : 'repeated'] as const;
  }

  private async transition(id: number, to: 'acknowledged' | 'resolved'): Promise<Alert> {
    const alert = await this.tx.run(async (manager) => {
      const repo = manager.getRepository(Alert);
      const found = await repo.findOne({ where: { id } });
      if (!found) {
        throw new NotFoundException(`Alert ${id} not found`);
      }
      if (found.state === 'resolved') {
        throw new ConflictException(`Alert ${id} is already resolved`);
      }
      if (found.state === to) {
        return null;
      }
      const now = this.clock.seconds();
      const changes =
        to === 'acknowledged' ? { state: to, acknowledgedAt: now } : { state: to, resolvedAt: now };
      await repo.update({ id }, changes);
      const changed = { ...found, ...changes };
      await this.runHooks(manager, changed, to);
      return changed;
    });
    if (alert === null) {
      return (await this.alerts.findOneByOrFail({ id })) as Alert;
    }
    await this.announceAndCount(alert, to);
    return alert;
  }

  private async announceAndCount(alert: Alert, transition: AlertTransition): Promise<void> {
    this.announce(alert, transition);
    if (transition !== 'repeated') {
      await this.refreshOpenCounts().catch((error: unknown) =>
        this.logger.warn(`Counting open alerts failed: ${String(error)}`),
      );
    }
  }

  private announce(alert: Alert, transition: AlertTransition): void {
    this.monitor.recordAlert({ ...toAlertJson(alert), transition });
    if (transition !== 'repeated') {
      this.monitor.logEvent('alert', `${transition}: ${alert.message}`, {
        alertId: Number(alert.id),
        rule: alert.rule,
        subject: alert.subject,
        severity: alert.severity,
      });
    }
  }
}

function openState() {
  return In(['active', 'acknowledged']);
}

/** The JSON of an alert everywhere (API, Socket.IO, SSE). */
export function toAlertJson(alert: Alert) {
  return {
    id: Number(alert.id),
    rule: alert.rule,
    subject: alert.subject,
    severity: alert.severity,
    message: alert.message,
    state: alert.state,
    firstSeen: alert.firstSeen,
    lastSeen: alert.lastSeen,
    count: alert.count,
    acknowledgedAt: alert.acknowledgedAt,
    resolvedAt: alert.resolvedAt,
  };
}
