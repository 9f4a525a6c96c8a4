import type { ChildProcess } from 'node:child_process';
import request from 'supertest';
import { io, type Socket } from 'socket.io-client';
import { freePort, startRedis } from '../helpers/processes.js';
import { readingDoc } from '../helpers/readings.js';
import { openSse } from '../helpers/sse.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { until } from '../helpers/wait.js';

describe('when Redis goes away (services)', () => {
  let redis: ChildProcess;
  let port: number;
  let t: TestApp;
  let socket: Socket;

  beforeAll(async () => {
    port = await freePort();
    redis = startRedis(port);
    await new Promise((resolve) => setTimeout(resolve, 300));
    t = await startTestApp({ redisUrl: `redis://127.0.0.1:${port}` });
    socket = io(t.url, { transports: ['websocket'], forceNew: true });
    await until(() => socket.connected, 3000, 'socket');
  });

  afterAll(async () => {
    socket?.close();
    await t?.close();
    redis?.kill('SIGKILL');
  });

  const component = async () =>
    (await request(t.url).get('/api/status').expect(200)).body.components.redis?.status;

  it('keeps serving its own clients, says redis offline, and recovers when Redis returns', async () => {
    expect(await component()).toBe('online');
    const pushed: { id: string }[] = [];
    socket.on('update_data', (reading) => pushed.push(reading));
    const stream = await openSse(`${t.url}/api/stream`);

    redis.kill('SIGKILL');
    await until(async () => (await component()) === 'offline', 5000, 'redis offline');
    const status = (await request(t.url).get('/api/status').expect(200)).body.status;
    expect(status).toBe('degraded');

    await request(t.url)
      .post('/receive-json')
      .send(readingDoc({ id: 'during outage' }))
      .expect(201);
    await until(
      () => pushed.some((r) => r.id === 'during outage'),
      3000,
      'Socket.IO during the outage',
    );
    await until(
      () => stream.messages.some((m) => (m.data as { id?: string }).id === 'during outage'),
      3000,
      'SSE during the outage',
    );

    redis = startRedis(port);
    await until(async () => (await component()) === 'online', 10000, 'redis back');
    await request(t.url)
      .post('/receive-json')
      .send(readingDoc({ id: 'after outage' }))
      .expect(201);
    await until(
      () => pushed.some((r) => r.id === 'after outage'),
      5000,
      'Socket.IO after the outage',
    );
    stream.close();
  });
});
