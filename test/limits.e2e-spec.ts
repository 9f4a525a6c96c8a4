import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import request from 'supertest';
import { openSse } from './helpers/sse.js';
import { startServer } from './helpers/server-process.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { nextEvent, until } from './helpers/wait.js';

describe('request rate per client (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ httpRateLimit: 5 });
  });
  afterAll(() => t.close());

  it('answers 429 with Retry-After past HTTP_RATE_LIMIT a second, and never throttles health probes', async () => {
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => request(t.url).get('/api/occupancy')),
    );
    const refused = answers.filter((res) => res.status === 429);
    expect(answers.filter((res) => res.status === 200).length).toBeLessThanOrEqual(5);
    expect(refused.length).toBeGreaterThanOrEqual(3);
    expect(refused[0].headers['retry-after']).toBe('1');
    expect(refused[0].body.message).toContain('HTTP_RATE_LIMIT');
    for (let i = 0; i < 10; i++) {
      await request(t.url).get('/health/live').expect(200);
    }
  });
});

describe('live clients per address (e2e)', () => {
  let t: TestApp;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await startTestApp({ maxStreamClientsPerIp: 2 });
  });
  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    await t.close();
  });

  function connect(): Socket {
    const socket = io(t.url, { transports: ['websocket'], forceNew: true, reconnection: false });
    sockets.push(socket);
    return socket;
  }

  it('counts Socket.IO and SSE together and refuses the one over MAX_STREAM_CLIENTS_PER_IP', async () => {
    const first = connect();
    await until(() => first.connected, 3000, 'first socket');
    const sse = await openSse(`${t.url}/api/stream`);
    const third = connect();
    const [error] = await nextEvent<[Error]>(third, 'connect_error');
    expect(error.message).toBe('over 2 live connections from this address');
    const refused = await request(t.url).get('/api/stream').expect(429);
    expect(refused.body.message).toContain('MAX_STREAM_CLIENTS_PER_IP');

    // a closed connection frees its place
    sse.close();
    first.close();
    await until(
      async () => {
        const socket = connect();
        const admitted = await Promise.race([
          nextEvent(socket, 'connect').then(() => true),
          nextEvent(socket, 'connect_error').then(() => false),
        ]);
        return admitted;
      },
      3000,
      'a place to free up',
    );
  });
});

describe('security headers (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('sends a strict content security policy with the pages and the API', async () => {
    for (const path of ['/', '/graph', '/api/status']) {
      const res = await request(t.url).get(path).expect(200);
      const csp = res.headers['content-security-policy'];
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    }
  });

  it('leaves the policy off the Swagger UI, which needs inline code', async () => {
    const res = await request(t.url).get('/api/docs/').expect(200);
    expect(res.headers['content-security-policy']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('open mode on a non-loopback address (e2e)', () => {
  it('warns at start, naming each exposed listener', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sitewatch-open-'));
    const server = await startServer({
      HOST: '0.0.0.0',
      TCP_HOST: '0.0.0.0',
      DATABASE_PATH: join(dir, 'db.sqlite'),
      ACTIVITY_LOG_FILE: join(dir, 'activity.txt'),
    });
    try {
      await until(() => server.output().includes('AUTH_MODE=open'), 5000, 'the warning');
      expect(server.output()).toMatch(/AUTH_MODE=open with HTTP on 0\.0\.0\.0, TCP on 0\.0\.0\.0:/);
      expect(server.output()).not.toMatch(/MQTT on 0\.0\.0\.0/);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stays quiet on loopback', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sitewatch-open-'));
    const server = await startServer({
      DATABASE_PATH: join(dir, 'db.sqlite'),
      ACTIVITY_LOG_FILE: join(dir, 'activity.txt'),
    });
    try {
      await request(server.url).get('/health/ready').expect(200);
      expect(server.output()).not.toContain('AUTH_MODE=open');
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
