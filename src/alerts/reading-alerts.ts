import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { ReadingWriter } from '../readings/reading-writer.js';
import type { StoredReading } from '../readings/reading.js';
import { type AlertSignal, AlertsService } from './alerts.service.js';
import { SEVERITY_RANK } from './alert.entity.js';
import { gasLevel, reachesLevel } from './gas-levels.js';

/**
 * Gas thresholds and low battery, checked on every reading right after it commits. The signals
 * of one commit are raised together: a device in a gas cloud sending a batch of 1000 readings
 * counts 1000 on its alert in one write, not 1000 writes queued behind ingest.
 */
@Injectable()
export class ReadingAlerts implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ReadingAlerts.name);
  private readonly pending = new Map<string, AlertSignal & { times: number }>();
  private unsubscribe?: () => void;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly writer: ReadingWriter,
    private readonly alerts: AlertsService,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.writer.onCommitted((reading) => {
      for (const signal of this.signalsOf(reading)) {
        this.collect(signal);
      }
    });
  }

  /** Adds a signal to those raised after this commit's readings: the most severe message wins. */
  private collect(signal: AlertSignal): void {
    if (this.pending.size === 0) {
      setImmediate(() => this.raisePending());
    }
    const key = `${signal.rule}\u0000${signal.subject}`;
    const seen = this.pending.get(key);
    if (!seen) {
      this.pending.set(key, { ...signal, times: 1 });
    } else if (SEVERITY_RANK[signal.severity] >= SEVERITY_RANK[seen.severity]) {
      this.pending.set(key, { ...signal, times: seen.times + 1 });
    } else {
      seen.times++;
    }
  }

  private raisePending(): void {
    const signals = [...this.pending.values()];
    this.pending.clear();
    for (const signal of signals) {
      this.alerts
        .raise(signal)
        .catch((error: unknown) =>
          this.logger.error(
            `Raising ${signal.rule} for ${signal.subject} failed: ${String(error)}`,
          ),
        );
    }
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  signalsOf(reading: StoredReading): AlertSignal[] {
    const rules = this.config.alertRules;
    // Nearly every reading is below every level: then nothing is grouped.
    const tripped = reading.sensors.some(({ type, val }) => {
      const rule = rules.gas[type.toUpperCase()];
      return rule !== undefined && reachesLevel(val, rule);
    });
    const signals = tripped ? this.gasSignals(reading) : [];
    if (reading.pct !== null && reading.pct < rules.lowBatteryPct) {
      signals.push({
        rule: 'low_battery',
        subject: reading.id,
        severity: 'warning',
        message: `${reading.id}: battery ${reading.pct} % below ${rules.lowBatteryPct} %`,
      });
    }
    return signals;
  }

  /** One signal per gas of the reading that reaches a level, its cells taken together. */
  private gasSignals(reading: StoredReading): AlertSignal[] {
    const byType = new Map<string, number[]>();
    for (const sensor of reading.sensors) {
      const type = sensor.type.toUpperCase();
      byType.set(type, [...(byType.get(type) ?? []), sensor.val]);
    }
    const signals: AlertSignal[] = [];
    for (const [type, values] of byType) {
      const rule = this.config.alertRules.gas[type];
      const finding = rule && gasLevel(type, values, rule);
      if (finding) {
        signals.push({
          rule: 'gas',
          subject: `${reading.id}/${type}`,
          severity: finding.severity,
          message: `${reading.id}: ${finding.message}`,
        });
      }
    }
    return signals;
  }
}
