import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Server, ServerOptions } from 'socket.io';
import { KEY_PREFIX, type RedisService } from '../redis/redis.service.js';

/**
 * Socket.IO on the HTTP port, with the CORS origins of the configuration. With Redis, the
 * Streams adapter carries every broadcast to the clients of every instance; it resumes after
 * a Redis blip without losing packets.
 */
export class SitewatchIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly corsOrigins: string[],
    private readonly redis: RedisService,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: Partial<ServerOptions>): Server {
    const cors = this.corsOrigins.length > 0 ? { origin: this.corsOrigins } : undefined;
    const adapter = this.redis.enabled
      ? createAdapter(this.redis.connect('socket.io'), {
          streamName: `${KEY_PREFIX}socket.io`,
          channelPrefix: `${KEY_PREFIX}socket.io`,
          sessionKeyPrefix: `${KEY_PREFIX}socket.io:session:`,
        })
      : undefined;
    return super.createIOServer(port, {
      ...options,
      cors,
      ...(adapter ? { adapter } : {}),
    } as ServerOptions);
  }
}
