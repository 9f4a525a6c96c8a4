import { IncomingMessage, type Server, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import request from 'supertest';
import { NestFactory } from '@nestjs/core';
import { Controller, Get, Module, Req, Res } from '@nestjs/common';
import type { Express, Request, Response } from 'express';
import { callable, SitewatchExpressAdapter, withPrototype } from './express-adapter.js';

@Controller()
class ProbeController {
  @Get('probe')
  probe(@Req() req: Request, @Res() res: Response): void {
    // Express's own request and response helpers, reached through the prototypes
    res.status(200).json({ path: req.path, host: req.get('host') !== undefined });
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

describe(SitewatchExpressAdapter.name, () => {
  it('builds objects of the base class with the given prototype', () => {
    const prototype = Object.create(IncomingMessage.prototype) as object;
    const Request = withPrototype(IncomingMessage, prototype);
    const req = new Request(new Socket());
    expect(Object.getPrototypeOf(req)).toBe(prototype);
    expect(req).toBeInstanceOf(IncomingMessage);
    expect(req.headers).toEqual({});
    expect(callable(IncomingMessage)).toBe(true);
    expect(callable(ServerResponse)).toBe(true);
    expect(callable(class {})).toBe(false);
  });

  it("serves requests whose prototypes are already Express's, so Express never changes them", async () => {
    const adapter = new SitewatchExpressAdapter();
    const app = await NestFactory.create(ProbeModule, adapter, {
      logger: false,
      forceCloseConnections: true,
    });
    await app.init();
    const express = adapter.getInstance<Express>();
    const server = app.getHttpServer() as Server;
    const seen: boolean[] = [];
    server.prependListener('request', (req: object, res: object) => {
      seen.push(
        Object.getPrototypeOf(req) === express.request &&
          Object.getPrototypeOf(res) === express.response,
      );
    });
    try {
      const res = await request(server).get('/probe').expect(200);
      expect(res.body).toEqual({ path: '/probe', host: true });
      expect(seen).toEqual([true]);
    } finally {
      await app.close();
    }
  });
});
