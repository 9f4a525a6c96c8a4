import { once } from 'node:events';
import net from 'node:net';
import request from 'supertest';
import { TransactionRunner } from '../src/database/transaction-runner.js';
import { io, type Socket } from 'socket.io-client';
import { MonitorService } from '../src/metrics/monitor.service.js';
import { StatusTicker } from '../src/metrics/status-ticker.js';
import { readingDoc } from './helpers/readings.js';
import { openSse, type SseClient } from './helpers/sse.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { until } from './helpers/wait.js';

describe('monitor (e2e)', () => {
  let t: TestApp;
  const closers: (() => void)[] = [];

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    closers.forEach((close) => close());
    await t.close();
  });

  async function sse(
    headers: Record<string, string> = {},
    path = '/api/stream',
  ): Promise<SseClient> {
    const client = await openSse(`${t.url}${path}`, headers);
    closers.push(client.close);
    return client;
  }

  it('counts a known sequence of inputs into the metrics', async () => {
    const before = (await request(t.url).get('/api/metrics').expect(200)).body;
    await request(t.url)
      .post('/receive-json')
      .send(readingDoc({ id: 'm1', ts: Date.now() / 1000 }))
      .expect(201);
    await request(t.url)
      .post('/api/readings/batch')
      .send([readingDoc({ id: 'm2' }), readingDoc({ id: 'm3' })])
      .expect(201);
    await request(t.url)
      .post('/receive-json')
      .send(readingDoc({ id: '' }))
      .expect(400);
    await request(t.url)
      .post('/receive-json')
      .set('Content-Type', 'application/json')
      .send('{oops')
      .expect(400);
    await request(t.url)
      .post('/api/readings/batch')
      .send([readingDoc(), readingDoc({ pct: 900 })])
      .expect(400);
    const after = (await request(t.url).get('/api/metrics').expect(200)).body;
    expect(after.readingsLastHour - before.readingsLastHour).toBe(3);
    expect(after.readingsToday - before.readingsToday).toBe(3); // received today, whatever their ts
    expect(after.rejectedInputs - before.rejectedInputs).toBe(4);
    expect(after.acceptanceRate).toBeCloseTo((3 / 7) * 100, 0);
    expect(after).toMatchObject({ writeQueue: 0, failedWrites: 0, openAlerts: expect.any(Number) });
    expect(after.eventsPerMinute).toHaveLength(10);
    expect(after.uptimeSeconds).toBeGreaterThanOrEqual(0);
  });

  it('reports status with components, metrics, events, alerts and uptime text', async () => {
    await t.app.get(StatusTicker).probeDatabase();
    const res = await request(t.url).get('/api/status').expect(200);
    expect(res.body).toMatchObject({
      timestamp: expect.any(Number),
      status: expect.stringMatching(/^(healthy|degraded)$/),
      components: { database: { status: 'online', detail: t.app.get(TransactionRunner).dialect } },
      metrics: expect.objectContaining({ readingsToday: expect.any(Number) }),
      uptime: expect.stringMatching(/^\d+d \d+h \d+m \d+s$/),
      recentEvents: expect.any(Array),
      recentAlerts: expect.any(Array),
    });
  });

  it('keeps the last events, newest first, and exports everything as a download', async () => {
    const monitor = t.app.get(MonitorService);
    for (let i = 0; i < 120; i++) {
      monitor.logEvent('info', `event ${i}`);
    }
    const events = (await request(t.url).get('/api/events').expect(200)).body;
    expect(events).toHaveLength(50);
    expect(events[0].message).toBe('event 119');
    const exported = await request(t.url).get('/api/export').expect(200);
    expect(exported.headers['content-disposition']).toMatch(
      /^attachment; filename="sitewatch-export-.*\.json"$/,
    );
    expect(exported.body.events).toHaveLength(100);
    expect(exported.body).toHaveProperty('metrics');
    expect(exported.body).toHaveProperty('components');
  });

  it('streams events over SSE and replays what a client missed after Last-Event-ID', async () => {
    const first = await sse();
    expect(first.headers['content-type']).toMatch(/^text\/event-stream/);
    await request(t.url)
      .post('/receive-json')
      .send(readingDoc({ id: 'sse-1' }))
      .expect(201);
    await until(() => first.messages.some((m) => m.event === 'update_data'), 3000, 'update_data');
    const seen = first.messages.find((m) => m.event === 'update_data')!;
    first.close();

    // while the client is away: a reading, an event and an alert
    await request(t.url)
      .post('/receive-json')
      .send(readingDoc({ id: 'sse-2', sensors: [{ type: 'CO', val: 500 }] }))
      .expect(201);
    t.app.get(MonitorService).logEvent('warning', 'while away');
    await until(
      async () => (await request(t.url).get('/api/alerts?subject=sse-2/CO')).body.length === 1,
      3000,
      'alert',
    );

    const again = await sse({ 'Last-Event-ID': seen.id! });
    await until(
      () =>
        again.messages.some(
          (m) => m.event === 'event' && (m.data as { message: string }).message === 'while away',
        ),
      3000,
      'replay',
    );
    const replayed = again.messages.map((m) => m.event);
    expect(replayed).toEqual(expect.arrayContaining(['update_data', 'event', 'alert']));
    expect(again.messages.find((m) => m.event === 'update_data')!.data).toMatchObject({
      id: 'sse-2',
    });
    const ids = again.messages.map((m) => Number(m.id));
    expect(ids.every((id) => id > Number(seen.id))).toBe(true);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(again.messages.some((m) => (m.data as { id?: string }).id === 'sse-1')).toBe(false);
  });

  it('sends status over SSE without an id and over Socket.IO', async () => {
    const stream = await sse();
    const socket: Socket = io(t.url, { transports: ['websocket'], forceNew: true });
    closers.push(() => socket.close());
    const statuses: unknown[] = [];
    const events: unknown[] = [];
    socket.on('status', (status) => statuses.push(status));
    socket.on('event', (event) => events.push(event));
    await until(() => socket.connected, 3000, 'socket');
    await t.app.get(StatusTicker).tick();
    t.app.get(MonitorService).logEvent('info', 'hello sockets');
    await until(
      () =>
        statuses.length === 1 &&
        events.length === 1 &&
        stream.messages.some((m) => m.event === 'status'),
      3000,
      'status',
    );
    expect(statuses[0]).toMatchObject({
      status: expect.any(String),
      metrics: expect.any(Object),
      components: expect.any(Object),
    });
    expect(stream.messages.find((m) => m.event === 'status')!.id).toBeUndefined();
    expect(events[0]).toMatchObject({ type: 'info', message: 'hello sockets' });
  });

  it('cuts off an SSE client that stops reading instead of buffering for it', async () => {
    const sseClients = async () => {
      const res = await request(t.url).get('/metrics').expect(200);
      return Number(/^sitewatch_connected_clients\{transport="sse"\} (\d+)$/m.exec(res.text)?.[1]);
    };
    const others = await sseClients();
    const socket = net.connect(Number(new URL(t.url).port), '127.0.0.1');
    closers.push(() => socket.destroy());
    await once(socket, 'connect');
    socket.write('GET /api/stream HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n');
    socket.pause();
    await until(async () => (await sseClients()) === others + 1, 3000, 'the SSE client');
    const monitor = t.app.get(MonitorService);
    const padding = 'x'.repeat(4096);
    for (let i = 0; i < 4000 && !socket.destroyed; i++) {
      monitor.logEvent('info', 'flood', { padding });
      if (i % 10 === 0) {
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    await until(async () => (await sseClients()) === others, 5000, 'the slow client to be cut off');
  });

  it('serves Prometheus metrics', async () => {
    const res = await request(t.url).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toMatch(/^sitewatch_ingest_total\{source="http",result="accepted"\} \d+$/m);
    expect(res.text).toMatch(/^sitewatch_ingest_total\{source="http",result="rejected"\} \d+$/m);
    expect(res.text).toMatch(/^sitewatch_write_seconds_count\{result="committed"\} \d+$/m);
    expect(res.text).toMatch(/^sitewatch_write_queue 0$/m);
    expect(res.text).toMatch(/^sitewatch_open_alerts \d+$/m);
    expect(res.text).toMatch(/^sitewatch_connected_clients\{transport="sse"\} \d+$/m);
    expect(res.text).toMatch(/^sitewatch_process_resident_memory_bytes \d+/m);
  });
});
