import { Controller, Get, Logger, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { MonitorService } from './monitor.service.js';
import { PrometheusService } from './prometheus.service.js';
import type { LiveEnvelope } from './monitor.types.js';

const KEEP_ALIVE_MS = 30000;
/**
 * A client that lets this much pile up unread (beyond what the kernel holds) is cut off rather
 * than held in memory; it reconnects with Last-Event-ID and gets the rest from the replay buffer.
 */
const MAX_UNSENT_BYTES = 4 * 1024 * 1024;

// Each message is framed once, however many clients receive it.
const frames = new WeakMap<LiveEnvelope, string>();

function frame(message: LiveEnvelope): string {
  let text = frames.get(message);
  if (text === undefined) {
    const id = message.id === undefined ? '' : `id: ${message.id}\n`;
    text = `${id}event: ${message.event}\ndata: ${JSON.stringify(message.data)}\n\n`;
    frames.set(message, text);
  }
  return text;
}

function lastEventId(req: Request): number | undefined {
  const raw =
    req.header('last-event-id') ??
    (typeof req.query.lastEventId === 'string' ? req.query.lastEventId : undefined);
  const id = raw !== undefined && /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
  return Number.isSafeInteger(id) ? id : undefined;
}

/** Server-Sent Events: the Socket.IO events under the same names, with Last-Event-ID replay. */
@ApiTags('monitor')
@Controller()
export class SseController {
  private readonly logger = new Logger(SseController.name);
  private clients = 0;

  constructor(
    private readonly monitor: MonitorService,
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
  stream(@Req() req: Request, @Res() res: Response): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      // nginx: pass events through as they come
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    const send = (message: LiveEnvelope): void => {
      res.write(frame(message));
      if (res.writableLength > MAX_UNSENT_BYTES) {
        this.logger.warn(
          `Closed SSE client ${req.socket.remoteAddress}: ${res.writableLength} bytes unread`,
        );
        res.destroy();
      }
    };
    const since = lastEventId(req);
    if (since !== undefined) {
      this.monitor.replaySince(since).forEach(send);
    }
    const unsubscribe = this.monitor.subscribe(send);
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
    this.clients++;
    res.once('close', () => {
      this.clients--;
      clearInterval(keepAlive);
      unsubscribe();
    });
  }
}
