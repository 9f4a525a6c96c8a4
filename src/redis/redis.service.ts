import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';
import { StartupError } from '../common/startup-error.js';
import { type Listener, Listeners } from '../common/listeners.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';

/** Key prefix of everything sitewatch keeps in Redis. */
export const KEY_PREFIX = 'sitewatch:';

export interface RedisStatus {
  online: boolean;
  detail: string;
}

/**
 * Redis connections when REDIS_URL is set: one shared for commands, one more for each
 * blocking reader or subscriber. They reconnect by themselves; `onStatus` follows the shared one.
 */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisService.name);
  private readonly connections: Redis[] = [];
  private readonly status = new Listeners<RedisStatus>(RedisService.name);
  private commandConnection?: Redis;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get enabled(): boolean {
    return this.config.redisUrl !== undefined;
  }

  /**
   * The shared command connection. Commands fail at once while Redis is away instead of
   * queueing, so ingest and local clients never wait on it.
   */
  get client(): Redis {
    if (!this.commandConnection) {
      const connection = this.connect('commands', { enableOfflineQueue: false });
      connection.on('ready', () => this.status.emit({ online: true, detail: this.safeUrl() }));
      connection.on('close', () =>
        this.status.emit({ online: false, detail: 'connection lost, reconnecting' }),
      );
      this.commandConnection = connection;
    }
    return this.commandConnection;
  }

  /** Waits for the first connection; a Redis that does not answer stops the start. */
  async ready(timeoutMs = 5000): Promise<void> {
    const client = this.client;
    if (client.status === 'ready') {
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new StartupError(
              `Redis at REDIS_URL (${this.safeUrl()}) did not answer within ${timeoutMs} ms: start it or fix REDIS_URL`,
            ),
          ),
        timeoutMs,
      );
      client.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  onStatus(listener: Listener<RedisStatus>): () => void {
    return this.status.subscribe(listener);
  }

  /** A new connection of its own (blocking reads and subscribers cannot share one). */
  connect(name: string, options: RedisOptions = {}): Redis {
    if (!this.config.redisUrl) {
      throw new Error('REDIS_URL is not set');
    }
    const connection = new Redis(this.config.redisUrl, {
      connectionName: `sitewatch-${name}`,
      maxRetriesPerRequest: 2,
      enableAutoPipelining: true,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
      ...options,
    });
    connection.on('error', (error: Error) => this.logger.debug(`redis ${name}: ${error.message}`));
    this.connections.push(connection);
    return connection;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(
      this.connections.map((connection) => connection.quit().catch(() => connection.disconnect())),
    );
  }

  private safeUrl(): string {
    const url = new URL(this.config.redisUrl!);
    url.password = url.password ? '***' : '';
    return url.toString();
  }
}
