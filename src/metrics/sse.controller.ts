import { Controller, Get, Logger, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiKeyInQuery } from '../auth/access.decorators.js';
import { StreamClients } from '../auth/stream-clients.js';
import { MonitorService } from './monitor.service.js';
import { LOCAL_EVENTS, type LiveMessage } from './monitor.types.js';
import { PrometheusService } from './prometheus.service.js';

const KEEP_ALIVE_MS = 30000;
/**
 * A client that lets this much pile up unread (beyond what the kernel holds) is cut off rather
 * than held in memory; it reconnects with Last-Event-ID and gets the rest from the replay buffer.
 */
const MAX_UNSENT_BYTES = 4 * 1024 * 1024;

type Frameable = LiveMessage & { id?: string };

// Each message is framed once, however many clients receive it.
const frames = new WeakMap<Frameable, string>();

function frame(message: Frameable): string {
  let text = frames.get(message);
  if (text === undefined) {
    const id = message.id === undefined ? '' : `id: ${message.id}\n`;
    text = `${id}event: ${message.event}\ndata: ${JSON.stringify(message.data)}\n\n`;
    frames.set(message, text);
  }
  return text;
}

function lastEventId(req: Request): string | undefined {
  const header = req.header('last-event-id');
  const query = typeof req.query.lastEventId === 'string' ? req.query.lastEventId : undefined;
  const raw = header ?? query;
  return raw !== undefined && raw.length <= 40 ? raw : undefined;
}

/** Server-Sent Events: the Socket.IO events under the same names, with Last-Event-ID replay. */
@ApiTags('monitor')
@Controller()
export class SseController {
  private readonly logger = new Logger(SseController.name);
  private clients = 0;

  constructor(
    private readonly monitor: MonitorService,
    private readonly streamClients: StreamClients,
    prometheus: PrometheusService,
  ) {
    prometheus.reportClients('sse', () => this.clients);
  }

  @Get('api/stream')
  @ApiOperation({
    summary:
      'Live events as Server-Sent Events; reconnect with Last-Event-ID to get what was missed',
  })
  @ApiProduces('text/event-stream')
  @ApiKeyInQuery()
  async stream(@Req() req: Request, @Res() res: Response): Promise<void> {
    const release = this.streamClients.admit(req.ip ?? 'unknown');
    if (!release) {
      res.status(429).setHeader('Retry-After', '10');
      res.json({
        statusCode: 429,
        error: 'Too Many Requests',
        message: `over ${this.streamClients.limit} live connections from this address (MAX_STREAM_CLIENTS_PER_IP)`,
      });
      return;
    }
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      // nginx: pass events through as they come
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    const send = (message: Frameable): void => {
      res.write(frame(message));
      if (res.writableLength > MAX_UNSENT_BYTES) {
        this.logger.warn(
          `Closed SSE client ${req.socket.remoteAddress}: ${res.writableLength} bytes unread`,
        );
        res.destroy();
      }
    };
    // Live messages that arrive while the replay is read wait, so the order holds.
    const held: Frameable[] = [];
    let replaying = true;
    const unsubscribeBus = this.monitor.subscribe((message) =>
      replaying ? held.push(message) : send(message),
    );
    const unsubscribeStatus = this.monitor.subscribeLocal((message) => {
      if (LOCAL_EVENTS.has(message.event)) {
        send(message);
      }
    });
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
    this.clients++;
    res.once('close', () => {
      release();
      this.clients--;
      clearInterval(keepAlive);
      unsubscribeBus();
      unsubscribeStatus();
    });
    const since = lastEventId(req);
    const replayed =
      since === undefined ? [] : await this.monitor.replaySince(since).catch(() => []);
    replayed.forEach(send);
    const seen = new Set(replayed.map((message) => message.id));
    held.filter((message) => !seen.has(message.id!)).forEach(send);
    replaying = false;
  }
}
