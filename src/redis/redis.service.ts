import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { MonitorService } from '../metrics/monitor.service.js';

/** Key prefix of everything sitewatch keeps in Redis. */
export const KEY_PREFIX = 'sitewatch:';

/**
 * Redis connections when REDIS_URL is set: one for commands, one more for each subscriber.
 * They reconnect by themselves; the `redis` component follows the command connection.
 */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisService.name);
  private readonly connections: Redis[] = [];
  private commandConnection?: Redis;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly monitor: MonitorService,
  ) {}

  get enabled(): boolean {
    return this.config.redisUrl !== undefined;
  }

  /** The shared command connection. */
  get client(): Redis {
    if (!this.commandConnection) {
      this.commandConnection = this.connect('commands');
      this.commandConnection.on('ready', () =>
        this.monitor.updateComponent('redis', 'online', this.safeUrl()),
      );
      this.commandConnection.on('close', () =>
        this.monitor.updateComponent('redis', 'offline', 'connection lost, reconnecting'),
      );
    }
    return this.commandConnection;
  }

  /** A new connection of its own (subscribers cannot send commands). */
  connect(name: string): Redis {
    if (!this.config.redisUrl) {
      throw new Error('REDIS_URL is not set');
    }
    const connection = new Redis(this.config.redisUrl, {
      connectionName: `sitewatch-${name}`,
      maxRetriesPerRequest: 2,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
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
