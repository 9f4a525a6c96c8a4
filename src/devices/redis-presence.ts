import { Logger } from '@nestjs/common';
import type { RedisExpiryService } from '../redis/redis-expiry.service.js';
import { KEY_PREFIX, type RedisService } from '../redis/redis.service.js';

const ALIVE = `${KEY_PREFIX}dev:alive:`;
const INFO = `${KEY_PREFIX}dev:info`;
const OFFLINE = `${KEY_PREFIX}dev:offline`;
const RECONCILE_MS = 5000;

// Offline only if still silent; SADD answers 1 to exactly one instance, which announces it.
const MARK_OFFLINE = `if redis.call('EXISTS', KEYS[1]) == 0 then return redis.call('SADD', KEYS[2], ARGV[1]) else return 0 end`;

export type OfflineListener = (id: string, lastSeen: number, alerting: boolean) => void;

/**
 * Device presence shared by instances: every sighting refreshes a key that expires at the
 * device's deadline; the expiry (a keyspace notification, or the sweep) makes the device
 * offline, announced by the one instance whose SADD succeeded; the sighting that brings it
 * back is announced by the one whose SREM succeeded.
 */
export class RedisPresence {
  private readonly logger = new Logger(RedisPresence.name);
  private reconciler?: NodeJS.Timeout;

  constructor(
    private readonly redis: RedisService,
    private readonly expiry: RedisExpiryService,
    private readonly onOffline: OfflineListener,
  ) {}

  async start(): Promise<void> {
    await this.expiry.onExpired(ALIVE, (id) => void this.expired(id));
    this.reconciler = setInterval(() => void this.reconcile(), RECONCILE_MS);
    this.reconciler.unref();
  }

  stop(): void {
    clearInterval(this.reconciler);
  }

  /** Records a sighting; resolves true when the device was offline and is back. */
  async seen(
    id: string,
    lastSeen: number,
    timeoutSeconds: number,
    alerting: boolean,
  ): Promise<boolean> {
    const results = await this.redis.client
      .multi()
      .set(`${ALIVE}${id}`, String(lastSeen), 'PX', Math.round(timeoutSeconds * 1000))
      .hset(INFO, id, `${lastSeen}|${alerting ? 1 : 0}`)
      .srem(OFFLINE, id)
      .exec();
    return results?.[2]?.[1] === 1;
  }

  offline(): Promise<string[]> {
    return this.redis.client.smembers(OFFLINE);
  }

  async counts(): Promise<{ total: number; offline: number }> {
    const [total, offline] = await Promise.all([
      this.redis.client.hlen(INFO),
      this.redis.client.scard(OFFLINE),
    ]);
    return { total, offline };
  }

  private async expired(id: string): Promise<void> {
    try {
      const marked = await this.redis.client.eval(MARK_OFFLINE, 2, `${ALIVE}${id}`, OFFLINE, id);
      if (marked === 1) {
        const [lastSeen, alerting] = ((await this.redis.client.hget(INFO, id)) ?? '0|0').split('|');
        this.onOffline(id, Number(lastSeen), alerting === '1');
      }
    } catch (error) {
      this.logger.warn(`Presence of ${id} not updated (the sweep retries): ${String(error)}`);
    }
  }

  /** Keyspace notifications are fire-and-forget: this sweep catches any that were missed. */
  private async reconcile(): Promise<void> {
    try {
      const [ids, offline] = await Promise.all([this.redis.client.hkeys(INFO), this.offline()]);
      const down = new Set(offline);
      for (const id of ids.filter((candidate) => !down.has(candidate))) {
        if ((await this.redis.client.exists(`${ALIVE}${id}`)) === 0) {
          await this.expired(id);
        }
      }
    } catch (error) {
      this.logger.debug(`Presence sweep skipped: ${String(error)}`);
    }
  }
}
