import { Logger } from '@nestjs/common';
import type { RedisExpiryService } from '../redis/redis-expiry.service.js';
import { KEY_PREFIX, type RedisService } from '../redis/redis.service.js';
import type { ActivityTracker, GatewayActivity, InactiveListener } from './activity-tracker.js';

const key = (gateway: number, part: 'alive' | 'sensors' | 'inactive') =>
  `${KEY_PREFIX}gw:${gateway}:${part}`;
const GATEWAYS = `${KEY_PREFIX}gateways`;
const ALIVE_SUFFIX = /^(\d+):alive$/;
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
  private reconciler?: NodeJS.Timeout;

  constructor(
    private readonly redis: RedisService,
    private readonly expiry: RedisExpiryService,
    private readonly ttlSeconds: number,
  ) {}

  async start(onInactive: InactiveListener): Promise<void> {
    this.onInactive = onInactive;
    await this.expiry.onExpired(`${KEY_PREFIX}gw:`, (rest) => {
      const match = ALIVE_SUFFIX.exec(rest);
      if (match) {
        void this.expired(Number(match[1]));
      }
    });
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
}
