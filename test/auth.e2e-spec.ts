import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { io } from 'socket.io-client';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { EmbeddedBroker } from '../src/gateways/embedded-broker.js';
import { MonitorService } from '../src/metrics/monitor.service.js';
import { TcpAdapter } from '../src/tcp/tcp.adapter.js';
import { connectMqtt } from './helpers/mqtt.js';
import { readingDoc } from './helpers/readings.js';
import { openSse } from './helpers/sse.js';
import { TcpClient } from './helpers/tcp-client.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { nextEvent, until } from './helpers/wait.js';

const KEY = 'test-api-key-0123456789';
const TOKEN_MODE = { authMode: 'token', apiKey: KEY, httpRateLimit: 0 } as const;

/** Registers a device over the admin API and returns its token. */
async function addDevice(t: TestApp, body: Record<string, unknown>): Promise<string> {
  const res = await request(t.url)
    .post('/api/devices')
    .set('X-API-Key', KEY)
    .send(body)
    .expect(201);
  expect(res.body.token).toMatch(/^swt_[A-Za-z0-9_-]{32}$/);
  return res.body.token as string;
}

async function storedIds(t: TestApp): Promise<string[]> {
  const rows: { device_id: string }[] = await t.app
    .get(DataSource)
    .query('SELECT DISTINCT device_id FROM sensor_data ORDER BY device_id');
  return rows.map((row) => row.device_id);
}

async function warnings(t: TestApp): Promise<string[]> {
  const res = await request(t.url).get('/api/events').set('X-API-Key', KEY).expect(200);
  return (res.body as { type: string; message: string }[])
    .filter((event) => event.type === 'warning')
    .map((event) => event.message);
}

describe('token mode: API key and the admin API (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(TOKEN_MODE);
  });
  afterAll(() => t.close());

  it('needs X-API-Key on the read, admin and metrics APIs, and says which header', async () => {
    // a few failures only: ten from one address shut it out (tested below)
    const none = await request(t.url).get('/api/status').expect(401);
    expect(none.headers['www-authenticate']).toContain('X-API-Key');
    await request(t.url).get('/metrics').set('X-API-Key', `${KEY}x`).expect(401);
    await request(t.url).post('/api/devices').send({ id: 'x' }).expect(401);
    for (const path of [
      '/api/status',
      '/api/readings',
      '/api/devices',
      '/metrics',
      '/api/alerts',
    ]) {
      await request(t.url).get(path).set('X-API-Key', KEY).expect(200);
    }
  });

  it('keeps health probes, the pages and the API docs open', async () => {
    await request(t.url).get('/health/live').expect(200);
    await request(t.url).get('/health/ready').expect(200);
    expect((await request(t.url).get('/').expect(200)).text).toContain('<html');
    await request(t.url).get('/graph').expect(200);
    await request(t.url).get('/assets/common.js').expect(200);
    await request(t.url).get('/api/docs-json').expect(200);
  });

  it('takes the key as ?apiKey= on the SSE stream and the CSV download only', async () => {
    await request(t.url).get(`/api/readings.csv?apiKey=${KEY}`).expect(200);
    await request(t.url).get('/api/readings.csv?apiKey=wrong-key-0000000').expect(401);
    await request(t.url).get(`/api/status?apiKey=${KEY}`).expect(401);
    const sse = await openSse(`${t.url}/api/stream?apiKey=${KEY}`);
    expect(sse.headers['content-type']).toContain('text/event-stream');
    sse.close();
    const refused = await openSse(`${t.url}/api/stream`);
    expect(refused.headers['content-type']).toContain('application/json');
    refused.close();
  });

  it('issues a token once, stores only its hash, refuses a second one and a taken gateway', async () => {
    const token = await addDevice(t, {
      id: 'gw-1',
      kind: 'gateway',
      gateway: 1,
      heartbeatSeconds: 90,
    });
    const rows: { token_hash: string }[] = await t.app
      .get(DataSource)
      .query(`SELECT token_hash FROM device_token WHERE device_id = 'gw-1'`);
    expect(rows).toEqual([{ token_hash: createHash('sha256').update(token).digest('hex') }]);
    const dump = JSON.stringify(await t.app.get(DataSource).query('SELECT * FROM device_token'));
    expect(dump).not.toContain(token);

    const again = await request(t.url)
      .post('/api/devices')
      .set('X-API-Key', KEY)
      .send({ id: 'gw-1', kind: 'gateway', gateway: 1 })
      .expect(409);
    expect(again.body.message).toContain('already has a token');
    const taken = await request(t.url)
      .post('/api/devices')
      .set('X-API-Key', KEY)
      .send({ id: 'gw-2', kind: 'gateway', gateway: 1 })
      .expect(409);
    expect(taken.body.message).toBe('gateway 1 already belongs to gw-1');

    const devices = await request(t.url).get('/api/devices').set('X-API-Key', KEY).expect(200);
    expect(devices.body).toContainEqual(
      expect.objectContaining({ id: 'gw-1', kind: 'gateway', gateway: 1, heartbeatSeconds: 90 }),
    );
  });

  it('gives a gateway number to one of two registrations made at the same moment', async () => {
    const answers = await Promise.all(
      ['gw-race-a', 'gw-race-b', 'gw-race-c'].map((id) =>
        request(t.url)
          .post('/api/devices')
          .set('X-API-Key', KEY)
          .send({ id, kind: 'gateway', gateway: 77 }),
      ),
    );
    expect(answers.map((res) => res.status).sort()).toEqual([201, 409, 409]);
  });

  it('answers bad registrations with 400 naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ id: 'gw-x', kind: 'gateway' }, 'gateway'],
      [{ id: '', kind: 'handheld' }, 'id'],
      [{ id: 'a', kind: 'toaster' }, 'kind'],
      [{ id: 'a', heartbeatSeconds: 0 }, 'heartbeatSeconds'],
    ];
    for (const [body, field] of cases) {
      const res = await request(t.url)
        .post('/api/devices')
        .set('X-API-Key', KEY)
        .send(body)
        .expect(400);
      expect(res.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    }
  });

  it('revokes a token: 204, then 404 for a device without one', async () => {
    await addDevice(t, { id: 'to-revoke' });
    await request(t.url).delete('/api/devices/to-revoke/token').set('X-API-Key', KEY).expect(204);
    await request(t.url).delete('/api/devices/to-revoke/token').set('X-API-Key', KEY).expect(404);
  });

  it('needs the key in the Socket.IO handshake', async () => {
    const refused = io(t.url, { transports: ['websocket'], forceNew: true, reconnection: false });
    const [error] = await nextEvent<[Error]>(refused, 'connect_error');
    expect(error.message).toBe('unauthorized');
    refused.close();
    const admitted = io(t.url, {
      transports: ['websocket'],
      forceNew: true,
      auth: { apiKey: KEY },
    });
    await until(() => admitted.connected, 3000, 'socket connected');
    admitted.close();
  });
});

describe('token mode: device tokens on HTTP ingest (e2e)', () => {
  let t: TestApp;
  let handheld: string;
  let gateway: string;

  beforeAll(async () => {
    t = await startTestApp(TOKEN_MODE);
    handheld = await addDevice(t, { id: 'hh-1' });
    gateway = await addDevice(t, { id: 'gw-5', kind: 'gateway', gateway: 5 });
    await addDevice(t, { id: 'gw-6', kind: 'gateway', gateway: 6 });
  });
  afterAll(() => t.close());

  it('stores a document whose id is the token device', async () => {
    await request(t.url)
      .post('/receive-json')
      .set('Authorization', `Bearer ${handheld}`)
      .send(readingDoc({ id: 'hh-1' }))
      .expect(201);
  });

  it('answers 401 without a token or with an unknown one, and stores nothing', async () => {
    const none = await request(t.url)
      .post('/receive-json')
      .send(readingDoc({ id: 'hh-1' }))
      .expect(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    await request(t.url)
      .post('/receive-json')
      .set('Authorization', 'Bearer swt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')
      .send(readingDoc({ id: 'nobody' }))
      .expect(401);
    await request(t.url)
      .post('/receive-json')
      .set('Authorization', `Basic ${handheld}`)
      .send(readingDoc({ id: 'nobody' }))
      .expect(401);
    expect(await storedIds(t)).not.toContain('nobody');
    expect(await warnings(t)).toContainEqual(expect.stringContaining('Unauthorized http attempt'));
  });

  it("answers 403 for another device's id, for a batch too, and stores none of it", async () => {
    await request(t.url)
      .post('/receive-json')
      .set('Authorization', `Bearer ${handheld}`)
      .send(readingDoc({ id: 'hh-2' }))
      .expect(403);
    const batch = await request(t.url)
      .post('/api/readings/batch')
      .set('Authorization', `Bearer ${handheld}`)
      .send([readingDoc({ id: 'hh-1', ts: 1673049160 }), readingDoc({ id: 'gw-5' })])
      .expect(403);
    expect(batch.body.message).toContain('gw-5');
    expect(await storedIds(t)).toEqual(['hh-1']);
  });

  it("lets a gateway post for its sensors, never for another gateway's", async () => {
    await request(t.url)
      .post('/api/readings/batch')
      .set('Authorization', `Bearer ${gateway}`)
      .send([readingDoc({ id: 'gw-5' }), readingDoc({ id: 'sensor-a' })])
      .expect(201)
      .expect((res) => expect(res.body.map((r: { gateway: number }) => r.gateway)).toEqual([5, 5]));
    // sensor-a is now known as gateway 5's; gateway 6 may not report it, nor a token holder
    const gw6 = await request(t.url)
      .post('/api/devices')
      .set('X-API-Key', KEY)
      .send({ id: 'gw-6b', kind: 'gateway', gateway: 66 })
      .expect(201);
    for (const id of ['sensor-a', 'hh-1', 'gw-5']) {
      await request(t.url)
        .post('/receive-json')
        .set('Authorization', `Bearer ${gw6.body.token}`)
        .send(readingDoc({ id }))
        .expect(403);
    }
  });

  it('refuses a revoked token at once', async () => {
    const token = await addDevice(t, { id: 'hh-revoked' });
    await request(t.url)
      .post('/receive-json')
      .set('Authorization', `Bearer ${token}`)
      .send(readingDoc({ id: 'hh-revoked' }))
      .expect(201);
    await request(t.url).delete('/api/devices/hh-revoked/token').set('X-API-Key', KEY).expect(204);
    await request(t.url)
      .post('/receive-json')
      .set('Authorization', `Bearer ${token}`)
      .send(readingDoc({ id: 'hh-revoked', ts: 1673049999 }))
      .expect(401);
  });
});

describe('token mode: TCP needs HELLO <id> <token> first (e2e)', () => {
  let t: TestApp;
  let port: number;
  let token: string;

  beforeAll(async () => {
    t = await startTestApp(TOKEN_MODE);
    port = t.app.get(TcpAdapter).port;
    token = await addDevice(t, { id: 'door-1', kind: 'facility' });
    await addDevice(t, { id: 'door-2', kind: 'facility' });
  });
  afterAll(() => t.close());

  async function occupancy(): Promise<number> {
    return (await request(t.url).get('/api/occupancy').set('X-API-Key', KEY).expect(200)).body
      .occupancy;
  }

  it.each([
    ['a command before HELLO', 'PersonEntered\n'],
    ['HELLO without a token', 'HELLO door-1\n'],
    ['a wrong token', 'HELLO door-1 swt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n'],
    ['the token of another device', 'HELLO door-2 TOKEN\n'],
  ])('answers %s with ERR unauthorized, closes, and changes nothing', async (_name, line) => {
    const client = await TcpClient.connect(port);
    const lines = await client.send(`${line.replace('TOKEN', token)}PersonEntered\n`, 1);
    expect(lines).toEqual(['ERR unauthorized']);
    await client.waitClosed();
    expect(client.lines.every((answer) => answer === 'ERR unauthorized')).toBe(true);
    expect(await occupancy()).toBe(0);
  });

  it('refuses the token of a device that is not a facility device', async () => {
    const handheld = await addDevice(t, { id: 'hh-on-tcp' });
    const client = await TcpClient.connect(port);
    expect(await client.send(`HELLO hh-on-tcp ${handheld}\nPersonEntered\n`, 1)).toEqual([
      'ERR unauthorized',
    ]);
    await client.waitClosed();
  });

  it('stops an open connection at its next command once its token is revoked', async () => {
    const own = await addDevice(t, { id: 'door-3', kind: 'facility' });
    const client = await TcpClient.connect(port);
    const [hello] = await client.send(`HELLO door-3 ${own}\n`, 1);
    expect(hello).toMatch(/^OK \d+$/);
    await request(t.url).delete('/api/devices/door-3/token').set('X-API-Key', KEY).expect(204);
    expect(await client.send('PersonEntered\n', 1)).toEqual(['ERR unauthorized']);
    await client.waitClosed();
  });

  it('takes commands after a good HELLO, pipelined in one write', async () => {
    const client = await TcpClient.connect(port);
    const lines = await client.send(
      `HELLO door-1 ${token}\nPersonEntered\nPersonEntered\nPING\n`,
      4,
    );
    expect(lines).toEqual(['OK 0', 'OK 1', 'OK 2', 'PONG']);
    client.close();
  });
});

describe('token mode: the embedded MQTT broker (e2e)', () => {
  let t: TestApp;
  let url: string;
  let token: string;

  beforeAll(async () => {
    t = await startTestApp(TOKEN_MODE);
    url = `mqtt://127.0.0.1:${t.app.get(EmbeddedBroker).port}`;
    token = await addDevice(t, { id: 'gw-7', kind: 'gateway', gateway: 7 });
  });
  afterAll(() => t.close());

  it('refuses a CONNECT without the device token', async () => {
    await expect(connectMqtt(url)).rejects.toThrow(/Bad username or password|Not authorized/i);
    await expect(
      connectMqtt(url, { username: 'gw-7', password: 'swt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }),
    ).rejects.toThrow(/Bad username or password/i);
    await expect(connectMqtt(url, { username: 'gw-8', password: token })).rejects.toThrow(
      /Bad username or password/i,
    );
  });

  it('stores what a gateway publishes on its own topic and refuses subscriptions', async () => {
    const client = await connectMqtt(url, { username: 'gw-7', password: token });
    await client.publishAsync('gateway/7', JSON.stringify(readingDoc({ id: 'sensor-7a' })), {
      qos: 1,
    });
    expect(await storedIds(t)).toContain('sensor-7a');
    await expect(client.subscribeAsync('gateway/#', { qos: 1 })).rejects.toThrow(/Subscribe error/);
    await client.endAsync();
  });

  it('closes a connected gateway at its next publish once its token is revoked', async () => {
    const own = await addDevice(t, { id: 'gw-9', kind: 'gateway', gateway: 9 });
    const client = await connectMqtt(url, { username: 'gw-9', password: own });
    await client.publishAsync('gateway/9', JSON.stringify(readingDoc({ id: 'before-revoke' })), {
      qos: 1,
    });
    await request(t.url).delete('/api/devices/gw-9/token').set('X-API-Key', KEY).expect(204);
    const closed = nextEvent(client, 'close');
    client.publish('gateway/9', JSON.stringify(readingDoc({ id: 'after-revoke' })), { qos: 1 });
    await closed;
    client.end(true);
    const ids = await storedIds(t);
    expect(ids).toContain('before-revoke');
    expect(ids).not.toContain('after-revoke');
  });

  it("closes a gateway publishing on another gateway's topic, storing nothing", async () => {
    const client = await connectMqtt(url, { username: 'gw-7', password: token });
    const closed = nextEvent(client, 'close');
    client.publish('gateway/8', JSON.stringify(readingDoc({ id: 'sensor-8a' })), { qos: 1 });
    await closed;
    client.end(true);
    expect(await storedIds(t)).not.toContain('sensor-8a');
  });
});

describe('token mode: repeated failures are rate-limited (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(TOKEN_MODE);
  });
  afterAll(() => t.close());

  it('shuts an address out after 10 failures, even with the right key, and says so in an event', async () => {
    for (let i = 0; i < 10; i++) {
      await request(t.url).get('/api/status').set('X-API-Key', 'wrong-key-000000000').expect(401);
    }
    const res = await request(t.url).get('/api/status').set('X-API-Key', KEY).expect(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    const client = await TcpClient.connect(t.app.get(TcpAdapter).port);
    await client.waitClosed();
    expect(client.lines[0]).toMatch(/^ERR unauthorized: too many failed attempts/);
    await request(t.url).get('/health/ready').expect(200);
    const messages = t.app
      .get(MonitorService)
      .recentEvents()
      .map((event) => event.message);
    expect(messages).toContain('127.0.0.1 shut out for 60 s after 10 failed http attempts');
  });
});

describe('npm run devices (the CLI on the same database) (e2e)', () => {
  let t: TestApp;
  const cli = (...args: string[]) =>
    spawnSync(
      process.execPath,
      [join(import.meta.dirname, '..', 'dist', 'src', 'auth', 'devices-cli.js'), ...args],
      {
        env: {
          PATH: process.env.PATH,
          DATABASE_PATH: t.config.databasePath,
          // under npm run test:services the app runs on a scratch PostgreSQL database
          ...(t.config.databaseUrl ? { DATABASE_URL: t.config.databaseUrl } : {}),
        },
        encoding: 'utf8',
      },
    );

  beforeAll(async () => {
    t = await startTestApp(TOKEN_MODE);
  });
  afterAll(() => t.close());

  it('adds a device whose token the running server takes at once, lists it, and revokes it', async () => {
    const added = cli(
      'add',
      'gw-cli',
      '--kind',
      'gateway',
      '--gateway',
      '12',
      '--heartbeat',
      '120',
    );
    expect(added.status).toBe(0);
    const token = /swt_\S+/.exec(added.stdout)![0];
    await request(t.url)
      .post('/receive-json')
      .set('Authorization', `Bearer ${token}`)
      .send(readingDoc({ id: 'gw-cli' }))
      .expect(201);
    const devices = await request(t.url).get('/api/devices').set('X-API-Key', KEY).expect(200);
    expect(devices.body).toContainEqual(
      expect.objectContaining({ id: 'gw-cli', kind: 'gateway', heartbeatSeconds: 120 }),
    );

    const listed = cli('list');
    expect(listed.stdout).toMatch(/^gw-cli\tgateway\t12\t\d{4}-/m);
    expect(listed.stdout).not.toContain(token);
    expect(cli('revoke', 'gw-cli').status).toBe(0);
    expect(cli('revoke', 'gw-cli').stdout).toContain('gw-cli has no token.');
  });

  it('stops with the usage and exit code 64 on a bad command line', () => {
    const bad = cli('add', 'gw-x', '--kind', 'gateway');
    expect(bad.status).toBe(64);
    expect(bad.stderr).toContain('a gateway needs --gateway N');
    expect(cli('frobnicate').status).toBe(64);
    expect(cli('add', 'x', '--heartbeat', 'soon').stderr).toContain(
      '--heartbeat must be a whole number',
    );
  });
});
