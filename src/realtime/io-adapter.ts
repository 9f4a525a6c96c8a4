import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Redis } from 'ioredis';
import type { Namespace, Server, ServerOptions } from 'socket.io';
import type { Adapter } from 'socket.io-adapter';
import { KEY_PREFIX, type RedisService } from '../redis/redis.service.js';
import { BoundedSessionAdapter } from './bounded-session-adapter.js';
import { oneBufferFrames } from './one-buffer-frames.js';

/**
 * Socket.IO on the HTTP port, with the CORS origins of the configuration and connection state
 * recovery. With Redis, the Streams adapter carries every broadcast to the clients of every
 * instance; it resumes after a Redis blip without losing packets.
 */
export class SitewatchIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly corsOrigins: string[],
    private readonly recoverySeconds: number,
    private readonly redis: RedisService,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: Partial<ServerOptions>): Server {
    const cors = this.corsOrigins.length > 0 ? { origin: this.corsOrigins } : undefined;
    const adapter = this.redis.enabled ? this.redisAdapter() : BoundedSessionAdapter;
    return super.createIOServer(port, {
      ...options,
      cors,
      // A client that drops for up to RECOVERY_SECONDS gets every broadcast it missed, in order
      // (with Redis, from the adapter's stream, whichever instance it comes back to). The
      // handshake middleware (API key, clients per address) runs again on the way back.
      connectionStateRecovery: {
        maxDisconnectionDuration: this.recoverySeconds * 1000,
        skipMiddlewares: false,
      },
      adapter,
    } as ServerOptions);
  }

  private redisAdapter(): (nsp: Namespace) => Adapter {
    const create = createAdapter(this.publisher(), {
      streamName: `${KEY_PREFIX}socket.io`,
      channelPrefix: `${KEY_PREFIX}socket.io`,
      sessionKeyPrefix: `${KEY_PREFIX}socket.io:session:`,
    });
    // Socket.IO calls the adapter with `new`, which an arrow function refuses
    return function (nsp: Namespace) {
      return oneBufferFrames(create(nsp));
    };
  }

  /**
   * Nest leaves the Socket.IO server open when it force-closes connections; the Redis
   * adapter's readers must still stop.
   */
  override async close(server: Server): Promise<void> {
    await server.of('/').adapter.close();
    return super.close(server);
  }

  /**
   * The adapter publishes on a connection that fails at once while Redis is away (so the
   * broadcast to this instance's own clients goes on without waiting) and reads on
   * connections that wait for Redis to come back.
   */
  private publisher(): Redis {
    const publisher = this.redis.connect('socket.io', { enableOfflineQueue: false });
    publisher.duplicate = () =>
      this.redis.connect('socket.io-reader', { enableAutoPipelining: false });
    return publisher;
  }
}
