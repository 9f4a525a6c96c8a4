import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { Listeners } from '../common/listeners.js';
import { RingBuffer } from '../common/ring-buffer.js';
import { KEY_PREFIX, type RedisService } from '../redis/redis.service.js';
import type { LiveEnvelope, LiveMessage } from './monitor.types.js';

/** Messages with an id kept for clients that reconnect with Last-Event-ID. */
export const REPLAY_BUFFER = 1000;

/**
 * Carries live messages to the listeners of every instance, each with an id that orders it,
 * and keeps the last REPLAY_BUFFER of them for replay.
 */
export interface LiveBus {
  start(): Promise<void>;
  publish(message: LiveMessage): void;
  subscribe(listener: (message: LiveEnvelope) => void): () => void;
  /** Messages after `lastId`, oldest first; [] when the id is not one of this bus. */
  replaySince(lastId: string): Promise<LiveEnvelope[]>;
  stop(): Promise<void>;
}

/** One instance: ids count up from 1. */
export class MemoryLiveBus implements LiveBus {
  private readonly listeners = new Listeners<LiveEnvelope>(MemoryLiveBus.name);
  private readonly replay = new RingBuffer<LiveEnvelope>(REPLAY_BUFFER);
  private nextId = 1;

  async start(): Promise<void> {}

  publish(message: LiveMessage): void {
    const envelope = { event: message.event, data: message.data, id: String(this.nextId++) };
    this.replay.push(envelope);
    this.listeners.emit(envelope);
  }

  subscribe(listener: (message: LiveEnvelope) => void): () => void {
    return this.listeners.subscribe(listener);
  }

  async replaySince(lastId: string): Promise<LiveEnvelope[]> {
    if (!/^\d{1,15}$/.test(lastId)) {
      return [];
    }
    const after = Number(lastId);
    return this.replay.toArray().filter((message) => Number(message.id) > after);
  }

  async stop(): Promise<void> {}
}

const STREAM = `${KEY_PREFIX}live`;
const STREAM_ID = /^\d{1,15}-\d{1,10}$/;

/**
 * Every instance's messages in one Redis stream: each instance appends what it publishes and
 * reads everything, so an SSE client of any instance sees events raised on any other, and a
 * client that reconnects elsewhere replays from the same ids. While Redis is away, messages
 * still reach this instance's own listeners.
 */
export class RedisLiveBus implements LiveBus {
  private readonly logger = new Logger(RedisLiveBus.name);
  private readonly listeners = new Listeners<LiveEnvelope>(RedisLiveBus.name);
  private reader?: Redis;
  private running = false;
  private localId = 0;

  constructor(private readonly redis: RedisService) {}

  async start(): Promise<void> {
    this.reader = this.redis.connect('live-bus', { enableAutoPipelining: false });
    this.running = true;
    void this.readLoop();
  }

  publish(message: LiveMessage): void {
    const fields = ['event', message.event, 'data', JSON.stringify(message.data)];
    this.redis.client
      .xadd(STREAM, 'MAXLEN', '~', String(REPLAY_BUFFER), '*', ...fields)
      .catch((error: unknown) => {
        // Redis is away: this instance's own clients still get the message, without a replay id.
        this.logger.debug(`live bus: ${String(error)}`);
        this.listeners.emit({ ...message, id: `local-${++this.localId}` });
      });
  }

  subscribe(listener: (message: LiveEnvelope) => void): () => void {
    return this.listeners.subscribe(listener);
  }

  async replaySince(lastId: string): Promise<LiveEnvelope[]> {
    if (!STREAM_ID.test(lastId)) {
      return [];
    }
    const entries = await this.redis.client.xrange(
      STREAM,
      `(${lastId}`,
      '+',
      'COUNT',
      REPLAY_BUFFER,
    );
    return entries.map(([id, fields]) => toEnvelope(id, fields));
  }

  async stop(): Promise<void> {
    this.running = false;
    this.reader?.disconnect();
  }

  private async readLoop(): Promise<void> {
    let last = '$';
    while (this.running) {
      try {
        const result = await this.reader!.xread(
          'COUNT',
          500,
          'BLOCK',
          2000,
          'STREAMS',
          STREAM,
          last,
        );
        for (const [, entries] of result ?? []) {
          for (const [id, fields] of entries) {
            last = id;
            this.listeners.emit(toEnvelope(id, fields));
          }
        }
      } catch (error) {
        if (this.running) {
          this.logger.debug(`live bus read: ${String(error)}`);
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
    }
  }
}

function toEnvelope(id: string, fields: string[]): LiveEnvelope {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) {
    map.set(fields[i], fields[i + 1]);
  }
  return { id, event: map.get('event') ?? 'event', data: JSON.parse(map.get('data') ?? 'null') };
}
