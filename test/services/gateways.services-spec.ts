import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { io, type Socket } from 'socket.io-client';
import { connectMqtt } from '../helpers/mqtt.js';
import { readingDoc } from '../helpers/readings.js';
import { flushRedis, serviceUrl } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { until } from '../helpers/wait.js';

describe('gateways on Mosquitto and Redis (services)', () => {
  const mqttUrl = serviceUrl('SITEWATCH_TEST_MQTT_URL');
  const redisUrl = serviceUrl('SITEWATCH_TEST_REDIS_URL');
  // a prefix of its own, so other users of the machine's Mosquitto do not interfere
  const prefix = `sitewatch-test-${randomBytes(4).toString('hex')}/gateway`;
  const apps: TestApp[] = [];
  const sockets: Socket[] = [];

  beforeAll(async () => {
    await flushRedis(redisUrl);
    const first = await startTestApp({
      mqttUrl,
      redisUrl,
      mqttTopicPrefix: prefix,
      mqttSharedGroup: 'sitewatch',
      activityTtlSeconds: 1,
    });
    apps.push(first);
    apps.push(
      await startTestApp({
        mqttUrl,
        redisUrl,
        mqttTopicPrefix: prefix,
        mqttSharedGroup: 'sitewatch',
        activityTtlSeconds: 1,
        databaseUrl: first.config.databaseUrl,
      }),
    );
    for (const app of apps) {
      await until(
        async () =>
          (await request(app.url).get('/api/status')).body.components.mqtt?.status === 'online',
        5000,
        'mqtt online',
      );
    }
  });

  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    for (const app of apps.reverse()) {
      await app.close();
    }
  });

  async function listen<T>(app: TestApp, event: string, into: T[]): Promise<void> {
    const socket = io(app.url, { transports: ['websocket'], forceNew: true });
    sockets.push(socket);
    socket.on(event, (data) => into.push(data));
    await until(() => socket.connected, 3000, 'socket');
  }

  it('stores a reading published to the external broker once, with its gateway number', async () => {
    const gateway = await connectMqtt(mqttUrl);
    await gateway.publishAsync(
      `${prefix}/21`,
      JSON.stringify(readingDoc({ id: `shared-${prefix}` })),
      { qos: 1 },
    );
    await gateway.endAsync();
    const id = encodeURIComponent(`shared-${prefix}`);
    await until(
      async () =>
        (await request(apps[0].url).get(`/get-data-from-timestamp?system_time=0&id=${id}`)).body
          .length > 0,
      5000,
      'stored',
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stored = (
      await request(apps[0].url).get(`/get-data-from-timestamp?system_time=0&id=${id}`).expect(200)
    ).body;
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ source: 'mqtt', gateway: 21 });
  });

  it('announces an inactivity once across two instances sharing Redis, and the return', async () => {
    // one client on each instance: each must hear the warning exactly once
    const warnings: { gateway: number }[][] = [[], []];
    const returns: { gateway: number }[][] = [[], []];
    for (const [i, app] of apps.entries()) {
      await listen(app, 'inactivity_warning', warnings[i]);
      await listen(app, 'gateway_active', returns[i]);
    }
    const of22 = (lists: { gateway: number }[][]) =>
      lists.map((list) => list.filter((m) => m.gateway === 22));
    const gateway = await connectMqtt(mqttUrl);
    try {
      await gateway.publishAsync(`${prefix}/22`, JSON.stringify({ id: 'attic' }), { qos: 1 });
      await until(
        () => of22(warnings).every((list) => list.length >= 1),
        5000,
        'inactivity_warning',
      );
      await new Promise((resolve) => setTimeout(resolve, 1500));
      for (const list of of22(warnings)) {
        expect(list).toEqual([{ gateway: 22, lastActivityAt: expect.any(Number), ttlSeconds: 1 }]);
      }
      const alerts = (
        await request(apps[0].url)
          .get('/api/alerts?rule=gateway_inactive&subject=gateway%2022')
          .expect(200)
      ).body;
      expect(alerts).toHaveLength(1);
      expect(alerts[0].count).toBe(1);

      await gateway.publishAsync(`${prefix}/22`, JSON.stringify({ id: 'attic' }), { qos: 1 });
      await until(() => of22(returns).every((list) => list.length >= 1), 5000, 'gateway_active');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(of22(returns).map((list) => list.length)).toEqual([1, 1]);
    } finally {
      await gateway.endAsync();
    }
    const listed = (await request(apps[1].url).get('/api/gateways').expect(200)).body;
    expect(listed.find((g: { gateway: number }) => g.gateway === 22)).toMatchObject({
      sensors: [{ id: 'attic' }],
    });
  });

  it('reports redis and mqtt online', async () => {
    const { components } = (await request(apps[1].url).get('/api/status').expect(200)).body;
    expect(components.redis.status).toBe('online');
    expect(components.mqtt.status).toBe('online');
  });
});
