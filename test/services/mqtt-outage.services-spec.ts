import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import request from 'supertest';
import { connectMqtt } from '../helpers/mqtt.js';
import { readingDoc } from '../helpers/readings.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { until } from '../helpers/wait.js';

/** A Mosquitto of this test's own, so it can be stopped without touching the machine's. */
function startMosquitto(port: number): ChildProcess {
  return spawn('mosquitto', ['-p', String(port)], { stdio: 'ignore' });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

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
