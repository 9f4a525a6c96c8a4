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
import { gasLevel } from './gas-levels.js';

/** Gas thresholds and low battery, checked on every reading right after it commits. */
@Injectable()
export class ReadingAlerts implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ReadingAlerts.name);
  private unsubscribe?: () => void;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly writer: ReadingWriter,
    private readonly alerts: AlertsService,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.writer.onCommitted((reading) => {
      for (const signal of this.signalsOf(reading)) {
        this.alerts
          .raise(signal)
          .catch((error: unknown) =>
            this.logger.error(
              `Raising ${signal.rule} for ${signal.subject} failed: ${String(error)}`,
            ),
          );
      }
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  signalsOf(reading: StoredReading): AlertSignal[] {
    const rules = this.config.alertRules;
    const byType = new Map<string, number[]>();
    for (const sensor of reading.sensors) {
      const type = sensor.type.toUpperCase();
      byType.set(type, [...(byType.get(type) ?? []), sensor.val]);
    }
    const signals: AlertSignal[] = [];
    for (const [type, values] of byType) {
      const rule = rules.gas[type];
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
}
