import type { MqttClient } from 'mqtt';
import request from 'supertest';
import { io, type Socket } from 'socket.io-client';
import { EmbeddedBroker } from '../src/gateways/embedded-broker.js';
import { connectMqtt } from './helpers/mqtt.js';
import { readingDoc } from './helpers/readings.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { until } from './helpers/wait.js';

describe('gateways over the embedded MQTT broker (e2e)', () => {
  let t: TestApp;
  let brokerUrl: string;
  let gateway: MqttClient;
  let socket: Socket;
  const live: { event: string; data: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    t = await startTestApp({ activityTtlSeconds: 1 });
    brokerUrl = `mqtt://127.0.0.1:${t.app.get(EmbeddedBroker).port}`;
    gateway = await connectMqtt(brokerUrl);
    socket = io(t.url, { transports: ['websocket'], forceNew: true });
    for (const event of ['update_data', 'inactivity_warning', 'gateway_active']) {
      socket.on(event, (data) => live.push({ event, data }));
    }
    await until(() => socket.connected, 3000, 'socket');
  });

  afterAll(async () => {
    socket.close();
    await gateway.endAsync();
    await t.close();
  });

  async function events(): Promise<{ type: string; message: string }[]> {
    return (await request(t.url).get('/api/events').expect(200)).body;
  }

  it('stores a reading before acknowledging it, with source mqtt and the gateway number', async () => {
    await gateway.publishAsync(
      'gateway/7',
      JSON.stringify(readingDoc({ id: 'kitchen co', sensors: [{ type: 'CO', val: 4 }] })),
      { qos: 1 },
    );
    // PUBACK came back: the reading is committed already
    const last = await request(t.url).get('/get-last-entity?id=kitchen%20co').expect(200);
    expect(last.body).toMatchObject({
      id: 'kitchen co',
      source: 'mqtt',
      gateway: 7,
      sensors: [{ type: 'CO', val: 4 }],
    });
    await until(
      () => live.some((m) => m.event === 'update_data' && m.data.id === 'kitchen co'),
      3000,
      'update_data',
    );
    expect(live.find((m) => m.event === 'update_data' && m.data.id === 'kitchen co')!.data).toEqual(
      last.body,
    );
  });

  it('tracks activity signals per gateway and lists them', async () => {
    await gateway.publishAsync('gateway/8', JSON.stringify({ id: 'hall motion', state: 'on' }), {
      qos: 1,
    });
    const gateways = (await request(t.url).get('/api/gateways').expect(200)).body;
    const eight = gateways.find((g: { gateway: number }) => g.gateway === 8);
    expect(eight).toMatchObject({
      state: 'active',
      sensors: [{ id: 'hall motion', active: true }],
    });
    const devices = (await request(t.url).get('/api/devices').expect(200)).body;
    expect(devices.find((d: { id: string }) => d.id === 'hall motion')).toMatchObject({
      kind: 'sensor',
      channel: 'mqtt',
      gateway: 8,
    });
  });

  it('warns when a gateway goes quiet and clears it when it speaks again', async () => {
    const sent = Date.now() / 1000;
    await gateway.publishAsync('gateway/9', JSON.stringify({ id: 'porch' }), { qos: 1 });
    await until(
      () => live.some((m) => m.event === 'inactivity_warning' && m.data.gateway === 9),
      4000,
      'inactivity_warning',
    );
    const warning = live.find(
      (m) => m.event === 'inactivity_warning' && m.data.gateway === 9,
    )!.data;
    expect(warning).toEqual({ gateway: 9, lastActivityAt: expect.any(Number), ttlSeconds: 1 });
    expect(warning.lastActivityAt as number).toBeGreaterThanOrEqual(sent - 0.5);
    const inactiveAlerts = async () =>
      (
        await request(t.url)
          .get('/api/alerts?rule=gateway_inactive&subject=gateway%209')
          .expect(200)
      ).body;
    await until(async () => (await inactiveAlerts()).length === 1, 3000, 'the inactivity alert');
    const [alert] = await inactiveAlerts();
    expect(alert).toMatchObject({ severity: 'warning', state: 'active' });
    expect(alert.firstSeen).toBeGreaterThanOrEqual((warning.lastActivityAt as number) + 1);
    expect(alert.firstSeen).toBeLessThanOrEqual((warning.lastActivityAt as number) + 1 + 2);
    expect(
      (await request(t.url).get('/api/gateways')).body.find(
        (g: { gateway: number }) => g.gateway === 9,
      ).state,
    ).toBe('inactive');

    await gateway.publishAsync('gateway/9', JSON.stringify({ id: 'porch' }), { qos: 1 });
    await until(
      () => live.some((m) => m.event === 'gateway_active' && m.data.gateway === 9),
      3000,
      'gateway_active',
    );
    await until(
      async () =>
        (await request(t.url).get(`/api/alerts?rule=gateway_inactive&subject=gateway%209`)).body[0]
          .state === 'resolved',
      3000,
      'resolved',
    );
    expect(
      live.filter((m) => m.event === 'inactivity_warning' && m.data.gateway === 9),
    ).toHaveLength(1);
  });

  it('drops garbage with a warning event and keeps taking messages', async () => {
    const before = (await request(t.url).get('/api/metrics')).body.rejectedInputs;
    await gateway.publishAsync('gateway/3', 'not json at all', { qos: 1 });
    await gateway.publishAsync('gateway/3', '[1,2,3]', { qos: 1 });
    await gateway.publishAsync('gateway/3', JSON.stringify(readingDoc({ id: 'bad', pct: 300 })), {
      qos: 1,
    });
    await gateway.publishAsync('gateway/kitchen', JSON.stringify({ id: 'x' }), { qos: 1 });
    const after = (await request(t.url).get('/api/metrics')).body.rejectedInputs;
    expect(after - before).toBe(4);
    const warnings = (await events()).filter((e) => e.type === 'warning').map((e) => e.message);
    expect(warnings).toEqual(
      expect.arrayContaining([
        'MQTT message on gateway/3 dropped: payload is not JSON',
        'MQTT message on gateway/3 dropped: payload must be a JSON object',
        'MQTT message on gateway/3 dropped: invalid reading',
        'MQTT message on gateway/kitchen dropped: topic gateway/kitchen: the last level must be a gateway number',
      ]),
    );
    await gateway.publishAsync('gateway/3', JSON.stringify(readingDoc({ id: 'after garbage' })), {
      qos: 1,
    });
    await request(t.url).get('/get-last-entity?id=after%20garbage').expect(200);
  });

  it('closes a client that sends a 1 MB payload and keeps serving the others', async () => {
    const big = await connectMqtt(brokerUrl);
    const closed = new Promise<void>((resolve) => big.once('close', () => resolve()));
    big.publish('gateway/4', Buffer.alloc(1024 * 1024, 0x7b), { qos: 1 });
    await closed;
    await big.endAsync(true);
    await until(
      async () => (await events()).some((e) => /packet of \d+ bytes over the/.test(e.message)),
      3000,
      'warning',
    );
    await gateway.publishAsync('gateway/4', JSON.stringify(readingDoc({ id: 'after big' })), {
      qos: 1,
    });
    await request(t.url).get('/get-last-entity?id=after%20big').expect(200);
  });

  it('reports the mqtt component online', async () => {
    const status = (await request(t.url).get('/api/status').expect(200)).body;
    expect(status.components.mqtt).toMatchObject({ status: 'online' });
  });
});
