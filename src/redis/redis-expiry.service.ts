import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { StartupError } from '../common/startup-error.js';
import { RedisService } from './redis.service.js';

type ExpiryHandler = (rest: string) => void;

/**
 * Expired-key events from Redis keyspace notifications, dispatched by key prefix: the clock
 * behind gateway activity and device presence shared by instances. Notifications are turned
 * on here when missing (`notify-keyspace-events Ex`), or the start stops saying how.
 */
@Injectable()
export class RedisExpiryService implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisExpiryService.name);
  private readonly handlers = new Map<string, ExpiryHandler>();
  private subscriber?: Promise<Redis>;

  constructor(private readonly redis: RedisService) {}

  /** Calls `handler` with the rest of the key when a key starting with `prefix` expires. */
  async onExpired(prefix: string, handler: ExpiryHandler): Promise<void> {
    this.handlers.set(prefix, handler);
    this.subscriber ??= this.subscribe();
    await this.subscriber;
  }

  async onApplicationShutdown(): Promise<void> {
    (await this.subscriber)?.disconnect();
  }

  private async subscribe(): Promise<Redis> {
    await this.redis.ready();
    await this.enableExpiryNotifications();
    const db = this.redis.client.options.db ?? 0;
    const subscriber = this.redis.connect('expiry');
    subscriber.on('message', (_channel: string, key: string) => {
      for (const [prefix, handler] of this.handlers) {
        if (key.startsWith(prefix)) {
          handler(key.slice(prefix.length));
        }
      }
    });
    await subscriber.subscribe(`__keyevent@${db}__:expired`);
    return subscriber;
  }

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
    if (current.includes('E') && (current.includes('x') || current.includes('A'))) {
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
