import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { io, type Socket } from 'socket.io-client';
import { AlertsService } from '../../src/alerts/alerts.service.js';
import { TcpAdapter } from '../../src/tcp/tcp.adapter.js';
import { readingDoc } from '../helpers/readings.js';
import { flushRedis, serviceUrl } from '../helpers/services.js';
import { openSse } from '../helpers/sse.js';
import { TcpClient } from '../helpers/tcp-client.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { until } from '../helpers/wait.js';

describe('two instances on PostgreSQL, Redis and Mosquitto (services)', () => {
  const mqttUrl = serviceUrl('SITEWATCH_TEST_MQTT_URL');
  const redisUrl = serviceUrl('SITEWATCH_TEST_REDIS_URL');
  const prefix = `sitewatch-test-${randomBytes(4).toString('hex')}/gateway`;
  let a: TestApp;
  let b: TestApp;
  const closers: (() => void)[] = [];

  beforeAll(async () => {
    await flushRedis(redisUrl);
    const shared = {
      mqttUrl,
      redisUrl,
      mqttTopicPrefix: prefix,
      mqttSharedGroup: 'sitewatch',
      heartbeatTimeoutSeconds: 1,
    };
    a = await startTestApp(shared);
    b = await startTestApp({ ...shared, databaseUrl: a.config.databaseUrl });
  });

  afterAll(async () => {
    closers.forEach((close) => close());
    await b?.close();
    await a?.close();
  });

  async function socketOf(app: TestApp): Promise<Socket> {
    const socket = io(app.url, { transports: ['websocket'], forceNew: true });
    closers.push(() => socket.close());
    await until(() => socket.connected, 3000, 'socket');
    return socket;
  }

  it('runs on PostgreSQL with Redis', () => {
    expect(a.config.databaseUrl).toMatch(/^postgres/);
    expect(b.config.databaseUrl).toBe(a.config.databaseUrl);
  });

  it('brings a reading posted to instance A to a Socket.IO client and an SSE client of instance B', async () => {
    const socket = await socketOf(b);
    const pushed: { id: string }[] = [];
    socket.on('update_data', (reading) => pushed.push(reading));
    const stream = await openSse(`${b.url}/api/stream`);
    closers.push(stream.close);
    const posted = await request(a.url)
      .post('/receive-json')
      .send(readingDoc({ id: 'crosses instances', ts: Date.now() / 1000 }))
      .expect(201);
    await until(
      () => pushed.length === 1 && stream.messages.some((m) => m.event === 'update_data'),
      3000,
      'both clients',
    );
    expect(pushed[0]).toEqual(posted.body);
    expect(stream.messages.find((m) => m.event === 'update_data')!.data).toEqual(posted.body);
  });

  it('replays what an SSE client missed when it reconnects to the other instance', async () => {
    const first = await openSse(`${a.url}/api/stream`);
    await request(a.url)
      .post('/receive-json')
      .send(readingDoc({ id: 'replay-1' }))
      .expect(201);
    await until(
      () => first.messages.some((m) => (m.data as { id?: string }).id === 'replay-1'),
      3000,
      'first',
    );
    const seen = first.messages.find((m) => (m.data as { id?: string }).id === 'replay-1')!;
    first.close();
    await request(b.url)
      .post('/receive-json')
      .send(readingDoc({ id: 'replay-2' }))
      .expect(201);
    await request(a.url)
      .post('/receive-json')
      .send(readingDoc({ id: 'replay-3' }))
      .expect(201);
    const again = await openSse(`${b.url}/api/stream`, { 'Last-Event-ID': seen.id! });
    closers.push(again.close);
    await until(
      () => again.messages.filter((m) => m.event === 'update_data').length >= 2,
      3000,
      'replay',
    );
    const ids = again.messages
      .filter((m) => m.event === 'update_data')
      .map((m) => (m.data as { id: string }).id);
    expect(ids.slice(0, 2)).toEqual(['replay-2', 'replay-3']);
  });

  it('counts exactly with 200 TCP devices split over both instances', async () => {
    const start = (await request(a.url).get('/api/occupancy').expect(200)).body.occupancy;
    const ports = [a.app.get(TcpAdapter).port, b.app.get(TcpAdapter).port];
    const devices = await Promise.all(
      Array.from({ length: 200 }, (_, i) => TcpClient.connect(ports[i % 2])),
    );
    await Promise.all(
      devices.map(async (device) => {
        await device.send('PersonEntered\nPersonEntered\nPersonEntered\n', 3);
        await device.send('PersonExited\n');
      }),
    );
    devices.forEach((device) => device.close());
    const end = (await request(b.url).get('/api/occupancy').expect(200)).body.occupancy;
    expect(end).toBe(start + 400);
    await until(
      async () => (await request(a.url).get('/api/metrics')).body.occupancy === start + 400,
      3000,
      'occupancy gauge on A',
    );
    await until(
      async () => (await request(b.url).get('/api/metrics')).body.occupancy === start + 400,
      3000,
      'occupancy gauge on B',
    );
  });

  it('keeps one alert for one rule and subject under 50 concurrent writers on two instances', async () => {
    const signal = {
      rule: 'test_concurrency',
      subject: `s-${randomBytes(3).toString('hex')}`,
      severity: 'warning',
      message: 'm',
    } as const;
    const services = [a.app.get(AlertsService), b.app.get(AlertsService)];
    await Promise.all(Array.from({ length: 50 }, (_, i) => services[i % 2].raise(signal)));
    const alerts = (
      await request(a.url)
        .get(`/api/alerts?rule=test_concurrency&subject=${signal.subject}`)
        .expect(200)
    ).body;
    expect(alerts).toHaveLength(1);
    expect(alerts[0].count).toBe(50);
  });

  it('counts readings today across the deployment', async () => {
    const before = (await request(b.url).get('/api/metrics').expect(200)).body.readingsToday;
    await request(a.url)
      .post('/api/readings/batch')
      .send(Array.from({ length: 5 }, () => readingDoc({ id: 'counted' })))
      .expect(201);
    await until(
      async () => (await request(b.url).get('/api/metrics')).body.readingsToday >= before + 5,
      4000,
      'readingsToday on B',
    );
  });

  it('announces a TCP device going offline once, and back online once', async () => {
    const events = async () =>
      (await request(b.url).get('/api/events').expect(200)).body as { message: string }[];
    const door = await TcpClient.connect(a.app.get(TcpAdapter).port);
    await door.send('HELLO door-scale\n');
    await until(
      async () => (await events()).some((e) => e.message.startsWith('Device door-scale offline')),
      5000,
      'offline',
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(
      (await events()).filter((e) => e.message.startsWith('Device door-scale offline')),
    ).toHaveLength(1);
    const alerts = (
      await request(a.url).get('/api/alerts?rule=offline&subject=door-scale').expect(200)
    ).body;
    expect(alerts).toHaveLength(1);
    const other = await TcpClient.connect(b.app.get(TcpAdapter).port);
    await other.send('HELLO door-scale\n');
    await until(
      async () => (await events()).some((e) => e.message === 'Device door-scale back online'),
      5000,
      'back online',
    );
    expect(
      (await events()).filter((e) => e.message === 'Device door-scale back online'),
    ).toHaveLength(1);
    door.close();
    other.close();
  });
  it('recovers a Socket.IO client that drops from instance A and comes back to instance B', async () => {
    const first = await socketOf(a);
    const seen: number[] = [];
    first.on('update_data', (reading: { ts: number }) => seen.push(reading.ts));
    await request(a.url)
      .post('/receive-json')
      .send(readingDoc({ id: 'roamer', ts: 1_700_100_000 }))
      .expect(201);
    await until(() => seen.length === 1, 3000, 'the first reading');
    // what a client library sends to resume: its session id and the last offset it got
    const { _pid: pid, _lastOffset: offset } = first as unknown as {
      _pid: string;
      _lastOffset: string;
    };
    first.io.reconnection(false);
    first.io.engine.close();
    await until(() => !first.connected, 3000, 'the drop');
    const missed = [1_700_100_001, 1_700_100_002, 1_700_100_003];
    for (const ts of missed) {
      await request(a.url)
        .post('/receive-json')
        .send(readingDoc({ id: 'roamer', ts }))
        .expect(201);
    }
    // the same client coming back through a load balancer that sends it to the other instance
    const second = io(b.url, { transports: ['websocket'], forceNew: true, autoConnect: false });
    Object.assign(second, { _pid: pid, _lastOffset: offset });
    closers.push(() => second.close());
    const replayed: number[] = [];
    second.on('update_data', (reading: { ts: number }) => replayed.push(reading.ts));
    second.connect();
    await until(() => second.connected, 3000, 'instance B');
    expect(second.recovered).toBe(true);
    await until(() => replayed.length === 3, 3000, 'the missed readings');
    expect(replayed).toEqual(missed);
  });
});
