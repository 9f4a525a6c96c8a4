import { Inject, Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { MonitorService } from '../metrics/monitor.service.js';
import { AlertsService } from './alerts.service.js';

/** The acceptance-rate and write-queue rules, checked every 5 s; each resolves when it clears. */
@Injectable()
export class IngestAlerts {
  private readonly logger = new Logger(IngestAlerts.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly monitor: MonitorService,
    private readonly alerts: AlertsService,
  ) {}

  @Interval(5000)
  async check(): Promise<void> {
    const rules = this.config.alertRules;
    const metrics = this.monitor.getMetrics();
    try {
      const lowAcceptance =
        this.monitor.ingestAttemptsLastHour() > rules.acceptanceMinAttempts &&
        metrics.acceptanceRate < rules.acceptanceRatePct;
      await this.apply(
        lowAcceptance,
        'acceptance_rate',
        'ingest',
        `Only ${metrics.acceptanceRate} % of ingest attempts stored in the last hour`,
      );
      await this.apply(
        metrics.writeQueue > rules.writeQueue,
        'write_queue',
        'database',
        `${metrics.writeQueue} readings waiting to be written`,
      );
    } catch (error) {
      this.logger.warn(`Ingest rules not checked: ${String(error)}`);
    }
  }

  private async apply(
    firing: boolean,
    rule: string,
    subject: string,
    message: string,
  ): Promise<void> {
    if (firing) {
      await this.alerts.raise({ rule, subject, severity: 'warning', message });
    } else {
      await this.alerts.resolveOpen(rule, subject);
    }
  }
}
