import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { MonitorService } from '../metrics/monitor.service.js';
import { GIVE_UP_SECONDS, nextAttemptAt } from './delivery-policy.js';
import type { Notification } from './notification.entity.js';
import { NotificationOutbox } from './notification-outbox.js';
import { hostOf, ReceiverHealth } from './receiver-health.js';
import { type Attempt, postWebhook } from './webhook-request.js';

const IN_FLIGHT = 8;
const TIMEOUT_MS = 10_000;
// A claimed row stays out of every worker's reach this long: well past one request's timeout,
// so only a worker that died mid-request lets another send it again.
const LEASE_SECONDS = 30;

/**
 * Delivers the outbox: every second it claims due rows (at most IN_FLIGHT requests at once) and
 * POSTs them. Nothing here is awaited by ingest or by an alert's transaction, so a slow or dead
 * receiver only ever delays its own notifications.
 */
@Injectable()
export class NotificationWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(NotificationWorker.name);
  private readonly health: ReceiverHealth;
  private readonly inFlight = new Map<number, Promise<void>>();
  private readonly stop = new AbortController();
  private claiming?: Promise<void>;
  private wake?: { at: number; timer: NodeJS.Timeout };
  private moreDue = false;
  private counting = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly outbox: NotificationOutbox,
    private readonly monitor: MonitorService,
    private readonly clock: Clock,
  ) {
    this.health = new ReceiverHealth(config.notifyWebhookUrls);
  }

  onApplicationBootstrap(): void {
    if (this.config.notifyWebhookUrls.length > 0) {
      // Without webhooks there is no component: nothing to send cannot degrade the status.
      this.reportComponent();
    }
    void this.housekeeping();
  }

  async onModuleDestroy(): Promise<void> {
    this.stop.abort();
    clearTimeout(this.wake?.timer);
    await this.claiming;
    await Promise.allSettled(this.inFlight.values());
  }

  @Interval(1000)
  tick(): void {
    this.pump();
    void this.refreshGauges();
  }

  /** Gives up what waited 24 h for a URL no longer configured, and prunes old rows. */
  @Interval(3600_000)
  async housekeeping(): Promise<void> {
    const now = this.clock.seconds();
    try {
      const dropped = await this.outbox.failUnconfigured(
        this.config.notifyWebhookUrls,
        now - GIVE_UP_SECONDS,
        'given up after 24 h: URL no longer in NOTIFY_WEBHOOK_URLS',
      );
      if (dropped > 0) {
        const message = `${dropped} notification(s) given up after 24 h: their URL is no longer configured`;
        this.logger.warn(message);
        this.monitor.logEvent('error', message, { count: dropped });
      }
      await this.outbox.prune(now);
    } catch (error) {
      this.logger.warn(`Outbox housekeeping failed: ${String(error)}`);
    }
  }

  /** Claims what the free slots can take; runs again as soon as one frees while more are due. */
  private pump(): void {
    const now = this.clock.seconds();
    const urls = this.health.ready(now);
    const free = Math.min(IN_FLIGHT - this.inFlight.size, this.health.room(urls));
    if (this.claiming || this.stop.signal.aborted || free <= 0) {
      return;
    }
    this.claiming = this.outbox
      .claim(urls, free, now, now + LEASE_SECONDS)
      .then((rows) => {
        this.moreDue = rows.length === free;
        rows.forEach((row) => this.start(row));
      })
      .catch((error: unknown) =>
        this.logger.warn(`Claiming notifications failed: ${String(error)}`),
      )
      .finally(() => (this.claiming = undefined));
  }

  private start(row: Notification): void {
    this.health.started(row.url);
    const delivery = this.deliver(row)
      .catch((error: unknown) =>
        // The row keeps its lease and is tried again when it runs out.
        this.logger.error(`Recording notification ${row.id} failed: ${String(error)}`),
      )
      .finally(() => {
        this.inFlight.delete(row.id);
        this.health.ended(row.url);
        if (this.moreDue) {
          this.pump();
        }
      });
    this.inFlight.set(row.id, delivery);
  }

  private async deliver(row: Notification): Promise<void> {
    const secret = this.config.notifyWebhookSecret;
    const attempt = await postWebhook(
      row,
      secret,
      TIMEOUT_MS,
      this.stop.signal,
      this.clock.seconds(),
    );
    const now = this.clock.seconds();
    if (attempt.verdict === 'cancelled') {
      await this.outbox.release(row.id, now);
    } else if (attempt.verdict === 'sent') {
      await this.outbox.markSent(row.id, now);
      this.health.succeeded(row.url);
    } else if (attempt.verdict === 'reject') {
      await this.outbox.markFailed(row.id, attempt.error!);
      this.health.rejected(row.url, `${attempt.error}, not retried`);
      this.reportGiveUp(row, `refused with ${attempt.error}; not retried`, attempt);
    } else {
      await this.retryOrGiveUp(row, attempt, now);
    }
    this.reportComponent();
  }

  private async retryOrGiveUp(row: Notification, attempt: Attempt, now: number): Promise<void> {
    const attempts = row.attempts + 1;
    const next = nextAttemptAt(attempts, row.createdAt, now, attempt.retryAfter);
    this.health.retrying(row.url, attempt.error!, now);
    if (next === null) {
      await this.outbox.markFailed(row.id, attempt.error!);
      this.reportGiveUp(
        row,
        `given up after 24 h and ${attempts} attempts: ${attempt.error}`,
        attempt,
      );
      return;
    }
    await this.outbox.scheduleRetry(row.id, next, attempt.error!);
    this.wakeAt(next);
    this.logger.debug(
      `Notification ${row.idempotencyKey} to ${hostOf(row.url)} failed (${attempt.error}); next attempt in ${Math.round(next - now)} s`,
    );
  }

  /** Looks again right when a retry falls due, rather than up to a tick later. */
  private wakeAt(at: number): void {
    if (this.stop.signal.aborted || (this.wake && this.wake.at <= at)) {
      return;
    }
    clearTimeout(this.wake?.timer);
    const timer = setTimeout(
      () => {
        this.wake = undefined;
        this.pump();
      },
      // timers may round a fraction of a millisecond early; a row is due only at its time
      Math.max(0, Math.ceil((at - this.clock.seconds()) * 1000) + 5),
    );
    this.wake = { at, timer: timer.unref() };
  }

  private reportGiveUp(row: Notification, why: string, attempt: Attempt): void {
    const host = hostOf(row.url);
    const message = `Notification ${row.idempotencyKey} to ${host} ${why}`;
    this.logger.warn(message);
    this.monitor.logEvent('error', message, {
      host,
      status: attempt.status ?? null,
      idempotencyKey: row.idempotencyKey,
      attempts: row.attempts + 1,
    });
  }

  private reportComponent(): void {
    const failing = this.health.failingDetail();
    const count = new Set(this.config.notifyWebhookUrls).size;
    if (failing) {
      this.monitor.updateComponent('notifications', 'error', failing);
    } else {
      this.monitor.updateComponent('notifications', 'online', `${count} webhook(s)`);
    }
  }

  /** From the database, so the numbers survive restarts and agree across instances. */
  private async refreshGauges(): Promise<void> {
    if (this.counting || this.stop.signal.aborted) {
      return;
    }
    this.counting = true;
    try {
      const { sent, failed, waiting } = await this.outbox.counts();
      this.monitor.setGauge('notificationsSent', sent);
      this.monitor.setGauge('notificationsFailed', failed);
      this.monitor.setGauge('notificationsWaiting', waiting);
    } catch (error) {
      this.logger.warn(`Counting notifications failed: ${String(error)}`);
    } finally {
      this.counting = false;
    }
  }
}
