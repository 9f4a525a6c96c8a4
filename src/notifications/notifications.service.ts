import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Alert } from '../alerts/alert.entity.js';
import { type AlertTransition, AlertsService } from '../alerts/alerts.service.js';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { idempotencyKey, isNotified, notificationBody } from './notification-message.js';
import { NotificationOutbox } from './notification-outbox.js';

/**
 * Queues a notification for every configured webhook when an alert at or above
 * NOTIFY_MIN_SEVERITY is raised, escalated, acknowledged or resolved. The rows are written in
 * the transition's own transaction: a transition that commits is notified, one that rolls back
 * is not, and a crash in between loses nothing.
 */
@Injectable()
export class NotificationsService implements OnModuleInit {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly alerts: AlertsService,
    private readonly outbox: NotificationOutbox,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    if (this.config.notifyWebhookUrls.length > 0) {
      this.alerts.addTransitionHook((manager, alert, transition) =>
        this.enqueue(manager, alert, transition),
      );
    }
  }

  private async enqueue(
    manager: EntityManager,
    alert: Alert,
    transition: AlertTransition,
  ): Promise<void> {
    if (!isNotified(transition, alert.severity, this.config.notifyMinSeverity)) {
      return;
    }
    const key = idempotencyKey(alert, transition);
    const body = notificationBody(alert, transition);
    const items = this.config.notifyWebhookUrls.map((url) => ({ url, key, body }));
    await this.outbox.add(manager, items, this.clock.seconds());
  }
}
