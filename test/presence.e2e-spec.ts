import request from 'supertest';
import { TcpAdapter } from '../src/tcp/tcp.adapter.js';
import { readingDoc } from './helpers/readings.js';
import { TcpClient } from './helpers/tcp-client.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { until } from './helpers/wait.js';

describe('device presence (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ heartbeatTimeoutSeconds: 1 });
  });

  afterAll(async () => {
    await t.close();
  });

  async function alerts(query: string) {
    return (await request(t.url).get(`/api/alerts?${query}`).expect(200)).body;
  }

  it('turns a silent TCP device offline after its deadline, never before, and back online on PING', async () => {
    const door = await TcpClient.connect(t.app.get(TcpAdapter).port);
    await door.send('HELLO door-hb\n');
    const lastMessage = Date.now() / 1000;
    await until(
      async () => (await alerts('rule=offline&subject=door-hb')).length === 1,
      4000,
      'offline alert',
    );
    const [alert] = await alerts('rule=offline&subject=door-hb');
    expect(alert.firstSeen).toBeGreaterThanOrEqual(lastMessage + 1 - 0.05);
    expect(alert.firstSeen).toBeLessThanOrEqual(lastMessage + 1 + 2);
    const devices = (await request(t.url).get('/api/devices').expect(200)).body;
    expect(devices.find((d: { id: string }) => d.id === 'door-hb').state).toBe('offline');
    const metrics = (await request(t.url).get('/api/metrics').expect(200)).body;
    expect(metrics.devicesOffline).toBeGreaterThanOrEqual(1);

    expect(await door.send('PING\n')).toEqual(['PONG']);
    await until(
      async () => (await alerts('rule=offline&subject=door-hb'))[0].state === 'resolved',
      3000,
      'resolved',
    );
    const back = (await request(t.url).get('/api/devices').expect(200)).body;
    expect(back.find((d: { id: string }) => d.id === 'door-hb').state).toBe('online');
    door.close();
  });

  it('only notes a quiet handheld as an info event, without an alert', async () => {
    await request(t.url)
      .post('/receive-json')
      .send(readingDoc({ id: 'quiet-handheld' }))
      .expect(201);
    await until(
      async () =>
        (await request(t.url).get('/api/events')).body.some(
          (e: { type: string; message: string }) =>
            e.type === 'info' && e.message.startsWith('Device quiet-handheld offline'),
        ),
      4000,
      'info event',
    );
    expect(await alerts('rule=offline&subject=quiet-handheld')).toEqual([]);
    const device = (await request(t.url).get('/api/devices').expect(200)).body.find(
      (d: { id: string }) => d.id === 'quiet-handheld',
    );
    expect(device).toMatchObject({
      kind: 'handheld',
      channel: 'http',
      state: 'offline',
      sensorTypes: ['CH4', 'CO'],
    });
  });
});
