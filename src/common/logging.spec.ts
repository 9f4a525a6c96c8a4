import { Controller, Get, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { PinoNestLogger, rootLogger, useRequestLogging } from './logging.js';

/** Resolves once `check` holds, polling every 10 ms for up to 2 s. */
async function until(check: () => boolean): Promise<void> {
  for (let waited = 0; !check(); waited += 10) {
    if (waited > 2000) {
      throw new Error('timed out');
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A pino destination that keeps each JSON line. */
function lines(): { write(line: string): void; records: Record<string, unknown>[] } {
  const records: Record<string, unknown>[] = [];
  return { write: (line) => records.push(JSON.parse(line) as Record<string, unknown>), records };
}

@Controller()
class ProbeController {
  @Get('api/probe')
  probe(): { ok: boolean } {
    return { ok: true };
  }

  @Get('api/slow')
  async slow(): Promise<{ ok: boolean }> {
    await new Promise((resolve) => setTimeout(resolve, 300));
    return { ok: true };
  }

  @Post('receive-json')
  ingest(): { ok: boolean } {
    return { ok: true };
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

describe(PinoNestLogger.name, () => {
  it('logs the context, objects as fields, and errors with their stack', () => {
    const out = lines();
    const logger = new PinoNestLogger(rootLogger('debug', out));
    logger.log('listening', 'Http');
    logger.debug({ deviceId: 'gw-1' }, 'Gateways');
    logger.error(new Error('disk full'), 'Storage');
    logger.error('Unhandled', 'Error: boom\n    at handler (x.js:1:1)', 'ExceptionsHandler');
    logger.verbose('not at debug');
    expect(out.records.map(({ level, msg, context }) => ({ level, msg, context }))).toEqual([
      { level: 30, msg: 'listening', context: 'Http' },
      { level: 20, msg: undefined, context: 'Gateways' },
      { level: 50, msg: 'disk full', context: 'Storage' },
      { level: 50, msg: 'Unhandled', context: 'ExceptionsHandler' },
    ]);
    expect(out.records[1].deviceId).toBe('gw-1');
    expect((out.records[2].err as { stack: string }).stack).toMatch(/^Error: disk full\n/);
    expect((out.records[3].err as { stack: string }).stack).toBe(
      'Error: boom\n    at handler (x.js:1:1)',
    );
  });
});

describe(useRequestLogging.name, () => {
  it('logs requests without credentials or headers, and leaves device ingest out', async () => {
    const out = lines();
    const app = await NestFactory.create<NestExpressApplication>(ProbeModule, {
      logger: false,
      forceCloseConnections: true,
    });
    useRequestLogging(app, rootLogger('debug', out));
    await app.listen(0, '127.0.0.1');
    try {
      const server = app.getHttpServer() as Server;
      await request(server).get('/api/probe?since=1').set('X-API-Key', 'secret').expect(200);
      await request(server).get('/api/nothing').expect(404);
      await request(server).post('/receive-json').send({ deviceId: 'h-1' }).expect(201);
      const logged = out.records.filter((record) => record.msg === 'request completed');
      expect(logged.map(({ level, req, res }) => ({ level, req, res }))).toEqual([
        {
          level: 20,
          req: { id: 1, method: 'GET', url: '/api/probe', remoteAddress: expect.any(String) },
          res: { statusCode: 200 },
        },
        {
          level: 40,
          req: { id: 2, method: 'GET', url: '/api/nothing', remoteAddress: expect.any(String) },
          res: { statusCode: 404 },
        },
      ]);
      expect(JSON.stringify(out.records)).not.toContain('secret');

      // a client that hangs up before its answer
      const { port } = server.address() as AddressInfo;
      const aborted = http.get(`http://127.0.0.1:${port}/api/slow`);
      aborted.on('error', () => undefined);
      setTimeout(() => aborted.destroy(), 50);
      await until(() => out.records.some((record) => record.msg === 'request aborted'));
      expect(out.records.find((record) => record.msg === 'request aborted')).toMatchObject({
        level: 40,
        req: { id: 3, method: 'GET', url: '/api/slow' },
      });
    } finally {
      await app.close();
    }
  });
});
