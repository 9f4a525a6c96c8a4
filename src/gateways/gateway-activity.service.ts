import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { AlertsService } from '../alerts/alerts.service.js';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { MonitorService } from '../metrics/monitor.service.js';
import { RedisExpiryService } from '../redis/redis-expiry.service.js';
import { RedisService } from '../redis/redis.service.js';
import type { ActivityTracker, GatewayActivity } from './activity-tracker.js';
import { MemoryActivityTracker } from './memory-activity-tracker.js';
import { RedisActivityTracker } from './redis-activity-tracker.js';

const subject = (gateway: number) => `gateway ${gateway}`;

/**
 * Gateway activity and its consequences: `inactivity_warning`, a warning alert and an event
 * when a gateway's last sensor expires; `gateway_active` and the alert resolved when it
 * speaks again. Activity lives in memory, or in Redis when REDIS_URL is set.
 */
@Injectable()
export class GatewayActivityService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(GatewayActivityService.name);
  private readonly tracker: ActivityTracker;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly monitor: MonitorService,
    private readonly alerts: AlertsService,
    redis: RedisService,
    expiry: RedisExpiryService,
  ) {
    this.tracker = redis.enabled
      ? new RedisActivityTracker(redis, expiry, config.activityTtlSeconds)
      : new MemoryActivityTracker(config.activityTtlSeconds);
  }

  async onModuleInit(): Promise<void> {
    await this.tracker.start((gateway, lastActivityAt) => this.inactive(gateway, lastActivityAt));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.tracker.stop();
  }

  /** A message from `sensorId` on `gateway`. */
  async touch(gateway: number, sensorId: string): Promise<void> {
    try {
      if (await this.tracker.touch(gateway, sensorId, this.clock.seconds())) {
        this.active(gateway);
      }
    } catch (error) {
      this.logger.warn(`Activity of gateway ${gateway} not recorded: ${String(error)}`);
    }
  }

  list(): Promise<GatewayActivity[]> {
    return this.tracker.list(this.clock.seconds());
  }

  private inactive(gateway: number, lastActivityAt: number): void {
    const ttlSeconds = this.config.activityTtlSeconds;
    this.monitor.publish('inactivity_warning', { gateway, lastActivityAt, ttlSeconds });
    const message = `Gateway ${gateway} inactive: no sensor heard for ${ttlSeconds} s`;
    this.monitor.logEvent('gateway', message, { gateway, lastActivityAt, state: 'inactive' });
    this.alerts
      .raise({ rule: 'gateway_inactive', subject: subject(gateway), severity: 'warning', message })
      .catch((error: unknown) =>
        this.logger.error(`Inactivity alert for gateway ${gateway} failed: ${String(error)}`),
      );
  }

  private active(gateway: number): void {
    const at = this.clock.seconds();
    this.monitor.publish('gateway_active', { gateway, at });
    this.monitor.logEvent('gateway', `Gateway ${gateway} active again`, {
      gateway,
      state: 'active',
    });
    this.alerts
      .resolveOpen('gateway_inactive', subject(gateway))
      .catch((error: unknown) =>
        this.logger.error(`Resolving gateway ${gateway} failed: ${String(error)}`),
      );
  }
}
