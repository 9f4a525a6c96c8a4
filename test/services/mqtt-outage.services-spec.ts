import type { ChildProcess } from 'node:child_process';
import request from 'supertest';
import { connectMqtt } from '../helpers/mqtt.js';
import { freePort, startMosquitto } from '../helpers/processes.js';
import { readingDoc } from '../helpers/readings.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { until } from '../helpers/wait.js';

describe('when the external MQTT broker goes away (services)', () => {
  let broker: ChildProcess;
  let port: number;
  let t: TestApp;

  beforeAll(async () => {
    port = await freePort();
    broker = startMosquitto(port);
    await new Promise((resolve) => setTimeout(resolve, 300));
    t = await startTestApp({ mqttUrl: `mqtt://127.0.0.1:${port}` });
  });

  afterAll(async () => {
    await t?.close();
    broker?.kill('SIGKILL');
  });

  const mqtt = async () =>
    (await request(t.url).get('/api/status').expect(200)).body.components.mqtt?.status;

  it('turns the mqtt component offline and reconnects when the broker returns, without a restart', async () => {
    await until(async () => (await mqtt()) === 'online', 5000, 'mqtt online');
    broker.kill('SIGKILL');
    await until(async () => (await mqtt()) !== 'online', 5000, 'mqtt offline');
    expect((await request(t.url).get('/api/status').expect(200)).body.status).toBe('partial');

    broker = startMosquitto(port);
    await until(async () => (await mqtt()) === 'online', 10000, 'mqtt back');
    const gateway = await connectMqtt(`mqtt://127.0.0.1:${port}`);
    await gateway.publishAsync(
      'gateway/5',
      JSON.stringify(readingDoc({ id: 'after broker outage' })),
      { qos: 1 },
    );
    await gateway.endAsync();
    await until(
      async () =>
        (await request(t.url).get('/get-last-entity?id=after%20broker%20outage')).status === 200,
      5000,
      'stored',
    );
  });
});
