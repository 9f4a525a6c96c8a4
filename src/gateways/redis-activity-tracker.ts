import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { StartupError } from '../common/startup-error.js';
import { KEY_PREFIX, type RedisService } from '../redis/redis.service.js';
import type { ActivityTracker, GatewayActivity, InactiveListener } from './activity-tracker.js';

const key = (gateway: number, part: 'alive' | 'sensors' | 'inactive') =>
  `${KEY_PREFIX}gw:${gateway}:${part}`;
const GATEWAYS = `${KEY_PREFIX}gateways`;
const ALIVE_KEY = new RegExp(`^${KEY_PREFIX}gw:(\\d+):alive$`);
/** Keyspace notifications are fire-and-forget; this sweep catches any that were missed. */
const RECONCILE_MS = 5000;

// Marks the gateway inactive only if it is still silent: a message that arrived since the
// expiry wins over the announcement. SET NX makes one instance the announcer.
const MARK_INACTIVE = `if redis.call('EXISTS', KEYS[1]) == 0 then return redis.call('SET', KEYS[2], ARGV[1], 'NX') else return false end`;

/**
 * Activity in Redis: each gateway has an `alive` key with the TTL, refreshed by every message;
 * its expiry (learned from keyspace notifications) is the gateway going inactive. Every
 * instance hears the expiry; only the one whose SET NX succeeds announces it.
 */
export class RedisActivityTracker implements ActivityTracker {
  private readonly logger = new Logger(RedisActivityTracker.name);
  private onInactive: InactiveListener = () => undefined;
  private subscriber?: Redis;
  private reconciler?: NodeJS.Timeout;

  constructor(
    private readonly redis: RedisService,
    private readonly ttlSeconds: number,
  ) {}

  async start(onInactive: InactiveListener): Promise<void> {
    this.onInactive = onInactive;
    await this.enableExpiryNotifications();
    const db = this.redis.client.options.db ?? 0;
    this.subscriber = this.redis.connect('keyspace');
    this.subscriber.on('message', (_channel: string, expiredKey: string) => {
      const match = ALIVE_KEY.exec(expiredKey);
      if (match) {
        void this.expired(Number(match[1]));
      }
    });
    await this.subscriber.subscribe(`__keyevent@${db}__:expired`);
    this.reconciler = setInterval(() => void this.reconcile(), RECONCILE_MS);
    this.reconciler.unref();
  }

  async touch(gateway: number, sensorId: string, atSeconds: number): Promise<boolean> {
    const results = await this.redis.client
      .multi()
      .set(key(gateway, 'alive'), String(atSeconds), 'EX', this.ttlSeconds)
      .hset(key(gateway, 'sensors'), sensorId, String(atSeconds))
      .sadd(GATEWAYS, String(gateway))
      .del(key(gateway, 'inactive'))
      .exec();
    return results?.[3]?.[1] === 1;
  }

  async list(nowSeconds: number): Promise<GatewayActivity[]> {
    const gateways = (await this.redis.client.smembers(GATEWAYS)).map(Number).sort((a, b) => a - b);
    const pipeline = this.redis.client.pipeline();
    gateways.forEach((gateway) =>
      pipeline.hgetall(key(gateway, 'sensors')).exists(key(gateway, 'alive')),
    );
    const results = (await pipeline.exec()) ?? [];
    return gateways.map((gateway, i) => {
      const sensors = Object.entries((results[2 * i]?.[1] ?? {}) as Record<string, string>).map(
        ([id, at]) => ({
          id,
          lastActivityAt: Number(at),
          active: nowSeconds < Number(at) + this.ttlSeconds,
        }),
      );
      return {
        gateway,
        lastActivityAt: Math.max(0, ...sensors.map((sensor) => sensor.lastActivityAt)),
        state: results[2 * i + 1]?.[1] === 1 ? 'active' : 'inactive',
        sensors,
      };
    });
  }

  async stop(): Promise<void> {
    clearInterval(this.reconciler);
  }

  private async expired(gateway: number): Promise<void> {
    try {
      const times = (await this.redis.client.hvals(key(gateway, 'sensors'))).map(Number);
      const lastActivityAt = Math.max(0, ...times);
      const won = await this.redis.client.eval(
        MARK_INACTIVE,
        2,
        key(gateway, 'alive'),
        key(gateway, 'inactive'),
        String(lastActivityAt),
      );
      if (won === 'OK') {
        this.onInactive(gateway, lastActivityAt);
      }
    } catch (error) {
      this.logger.warn(
        `Gateway ${gateway} expiry not handled (the sweep retries): ${String(error)}`,
      );
    }
  }

  private async reconcile(): Promise<void> {
    try {
      const gateways = await this.redis.client.smembers(GATEWAYS);
      for (const gateway of gateways.map(Number)) {
        const [alive, inactive] = await Promise.all([
          this.redis.client.exists(key(gateway, 'alive')),
          this.redis.client.exists(key(gateway, 'inactive')),
        ]);
        if (alive === 0 && inactive === 0) {
          await this.expired(gateway);
        }
      }
    } catch (error) {
      this.logger.debug(`Activity sweep skipped: ${String(error)}`);
    }
  }

  /** Expired-key events need `notify-keyspace-events` with E and x; turned on here when missing. */
  private async enableExpiryNotifications(): Promise<void> {
    const howTo =
      'enable them in redis.conf with `notify-keyspace-events Ex` (or `CONFIG SET notify-keyspace-events Ex`)';
    let current: string;
    try {
      const [, value] = (await this.redis.client.config('GET', 'notify-keyspace-events')) as [
        string,
        string,
      ];
      current = value ?? '';
    } catch (error) {
      throw new StartupError(
        `Redis at REDIS_URL does not answer CONFIG GET (${(error as Error).message}); sitewatch needs expired-key notifications: ${howTo}`,
      );
    }
    const hasAll = current.includes('A');
    if (current.includes('E') && (current.includes('x') || hasAll)) {
      return;
    }
    const wanted = [...new Set(`${current}Ex`)].join('');
    try {
      await this.redis.client.config('SET', 'notify-keyspace-events', wanted);
      this.logger.log(`enabled Redis keyspace notifications: notify-keyspace-events ${wanted}`);
    } catch (error) {
      throw new StartupError(
        `Redis refused to enable expired-key notifications (${(error as Error).message}): ${howTo}`,
      );
    }
  }
}
