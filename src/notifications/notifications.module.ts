import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AlertsModule } from '../alerts/alerts.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { Notification } from './notification.entity.js';
import { NotificationOutbox } from './notification-outbox.js';
import { NotificationTotal } from './notification-total.entity.js';
import { NotificationWorker } from './notification-worker.js';
import { NotificationsService } from './notifications.service.js';

/** Alert notifications to webhooks (SPEC 10.2): a stored outbox and its delivery worker. */
@Module({
  imports: [
    TypeOrmModule.forFeature([Notification, NotificationTotal]),
    AlertsModule,
    MetricsModule,
  ],
  providers: [NotificationOutbox, NotificationsService, NotificationWorker],
})
export class NotificationsModule {}
