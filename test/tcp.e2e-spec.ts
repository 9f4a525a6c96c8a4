import { readFileSync } from 'node:fs';
import request from 'supertest';
import { io } from 'socket.io-client';
import { ActivityTextLog } from '../src/occupancy/activity-text-log.js';
import { TcpAdapter } from '../src/tcp/tcp.adapter.js';
import { TcpClient } from './helpers/tcp-client.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { until } from './helpers/wait.js';

const CLASSIC_LINE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}, .+, \d+$/;

describe('facility devices over TCP (e2e)', () => {
  let t: TestApp;
  let port: number;
  const clients: TcpClient[] = [];

  beforeAll(async () => {
    t = await startTestApp({ maxOccupancy: 1000, tcpMaxCommandsPerSecond: 1000 });
    port = t.app.get(TcpAdapter).port;
  });

  afterAll(async () => {
    clients.forEach((client) => client.close());
    await t.close();
  });

  async function connect(): Promise<TcpClient> {
    const client = await TcpClient.connect(port);
    clients.push(client);
    return client;
  }

  async function occupancy(): Promise<number> {
    return (await request(t.url).get('/api/occupancy').expect(200)).body.occupancy;
  }

  it('answers every command of the protocol', async () => {
    const door = await connect();
    expect(await door.send('HELLO door-1\n')).toEqual([`OK ${await occupancy()}`]);
    const start = await occupancy();
    expect(await door.send('PersonEntered\n')).toEqual([`OK ${start + 1}`]);
    expect(await door.send('PersonEntered\r\n')).toEqual([`OK ${start + 2}`]);
    expect(await door.send('PersonExited\n')).toEqual([`OK ${start + 1}`]);
    expect(await door.send('EntrySystem_Active\n')).toEqual([`OK ${start + 1}`]);
    expect(await door.send('PING\n')).toEqual(['PONG']);
    expect(await door.send('Dance\n')).toEqual(['ERR unknown command Dance']);
    expect(await door.send('PersonEntered twice\n')).toEqual([
      'ERR PersonEntered takes no arguments',
    ]);
    expect(await door.send('PING\nPersonEntered\nPersonExited\n', 3)).toEqual([
      'PONG',
      `OK ${start + 2}`,
      `OK ${start + 1}`,
    ]);
    expect(door.closed).toBe(false);
  });

  it('takes a bare command without a line ending after 100 ms', async () => {
    const start = await occupancy();
    const door = await connect();
    expect(await door.send('PersonEntered')).toEqual([`OK ${start + 1}`]);
  });

  it('takes a bare command from a device that closes right after sending', async () => {
    const start = await occupancy();
    const door = await connect();
    door.socket.end('PersonEntered');
    await door.waitClosed();
    expect(door.lines).toEqual([`OK ${start + 1}`]);
    expect(await occupancy()).toBe(start + 1);
  });

  it('never goes below zero, logs the exit at zero and warns', async () => {
    const safety = await connect();
    expect(await safety.send('SafetySystem_Active\n')).toEqual(['OK 0']);
    expect(await safety.send('PersonExited\n')).toEqual(['OK 0']);
    const [latest] = (await request(t.url).get('/api/activity?limit=1').expect(200)).body;
    expect(latest).toMatchObject({
      command: 'PersonExited',
      text: 'Person left facility (already empty)',
      occupancy: 0,
    });
    const events = (await request(t.url).get('/api/events').expect(200)).body;
    expect(
      events.some(
        (e: { type: string; message: string }) =>
          e.type === 'warning' && /exit while the facility was empty/.test(e.message),
      ),
    ).toBe(true);
  });

  it('raises the evacuation alert on SafetySystem_Active', async () => {
    const safety = await connect();
    await safety.send('HELLO safety-1\n');
    await safety.send('PersonEntered\n');
    expect(await safety.send('SafetySystem_Active\n')).toEqual(['OK 0']);
    await until(
      async () => (await request(t.url).get('/api/alerts?rule=evacuation')).body.length === 1,
      3000,
      'evacuation alert',
    );
    await until(
      async () => (await request(t.url).get('/api/alerts?rule=evacuation')).body[0].count === 2,
      3000,
      'the second activation',
    );
    const [alert] = (await request(t.url).get('/api/alerts?rule=evacuation')).body;
    // the anonymous safety system of the test before raised it; this activation counts on it
    expect(alert).toMatchObject({ severity: 'error', subject: 'facility', state: 'active' });
    expect(alert.message).toBe('Safety system activated: evacuate');
  });

  it('counts exactly under 200 concurrent devices interleaving enters and exits', async () => {
    const start = await occupancy();
    const devices = await Promise.all(Array.from({ length: 200 }, () => connect()));
    // each device: 5 enters then 3 exits, all devices at once → +400 in total, never below the start
    await Promise.all(
      devices.map(async (device) => {
        await device.send(
          'PersonEntered\nPersonEntered\nPersonEntered\nPersonEntered\nPersonEntered\n',
          5,
        );
        await device.send('PersonExited\nPersonExited\nPersonExited\n', 3);
      }),
    );
    expect(await occupancy()).toBe(start + 400);
    const answers = devices.flatMap((device) => device.lines);
    expect(answers).toHaveLength(1600);
    expect(answers.every((line) => /^OK \d+$/.test(line))).toBe(true);
    const rows = (await request(t.url).get('/api/activity?limit=1000').expect(200)).body;
    expect(
      rows.filter((row: { occupancy: number }) => row.occupancy > start).length,
    ).toBeGreaterThanOrEqual(400);
  });

  it('writes the classic text log in order, also as /api/activity.txt', async () => {
    await t.app.get(ActivityTextLog).flushed();
    const file = readFileSync(t.config.activityLogFile, 'utf8').trim().split('\n');
    expect(file.every((line) => CLASSIC_LINE.test(line))).toBe(true);
    expect(file).toContain(
      file.find((line) => line.endsWith(', Device door-1 connected, ' + line.split(', ').at(-1))),
    );
    const api = (await request(t.url).get('/api/activity.txt').expect(200)).text.trim().split('\n');
    expect(api).toEqual(file);
  });

  it('closes the connection on a line over 1 KiB, control bytes or a flood, and keeps listening', async () => {
    const before = await occupancy();
    const long = await connect();
    expect(await long.send('x'.repeat(1025) + '\n')).toEqual(['ERR line over 1024 bytes']);
    await long.waitClosed();
    const binary = await connect();
    expect(await binary.send(Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0a]))).toEqual([
      'ERR control characters in line',
    ]);
    await binary.waitClosed();
    expect(await occupancy()).toBe(before);
    const fresh = await connect();
    expect(await fresh.send('PING\n')).toEqual(['PONG']);
  });

  it('reports occupancy and activity live over Socket.IO', async () => {
    const socket = io(t.url, { transports: ['websocket'], forceNew: true });
    const got: string[] = [];
    socket.on('occupancy', (o: { occupancy: number; capacity: number }) =>
      got.push(`occupancy ${o.occupancy}/${o.capacity}`),
    );
    socket.on('activity', (a: { text: string }) => got.push(`activity ${a.text}`));
    await until(() => socket.connected, 3000, 'socket');
    const start = await occupancy();
    const door = await connect();
    await door.send('PersonEntered\n');
    await until(() => got.length === 2, 3000, 'occupancy and activity');
    expect(got).toEqual([`occupancy ${start + 1}/1000`, 'activity Person entered facility']);
    socket.close();
  });

  it('lists TCP devices in /api/devices', async () => {
    const devices = (await request(t.url).get('/api/devices').expect(200)).body;
    expect(devices.find((d: { id: string }) => d.id === 'door-1')).toMatchObject({
      kind: 'facility',
      channel: 'tcp',
      state: 'online',
    });
  });
});

describe('occupancy limits and persistence (e2e)', () => {
  it('raises capacity over MAX_OCCUPANCY, resolves it below, and survives a restart', async () => {
    const first = await startTestApp({ maxOccupancy: 2 });
    const dir = first.dir;
    const door = await TcpClient.connect(first.app.get(TcpAdapter).port);
    await door.send('PersonEntered\nPersonEntered\nPersonEntered\n', 3);
    await until(
      async () =>
        (await request(first.url).get('/api/alerts?rule=capacity&state=active')).body.length === 1,
      3000,
      'capacity',
    );
    await door.send('PersonExited\n');
    await until(
      async () =>
        (await request(first.url).get('/api/alerts?rule=capacity&state=resolved')).body.length ===
        1,
      3000,
      'resolved',
    );
    const before = (await request(first.url).get('/api/occupancy').expect(200)).body;
    expect(before).toMatchObject({ occupancy: 2, capacity: 2, peakToday: 3 });
    door.close();
    await first.app.close();

    const again = await startTestApp(
      { maxOccupancy: 2, databaseUrl: first.config.databaseUrl },
      dir,
    );
    try {
      const after = (await request(again.url).get('/api/occupancy').expect(200)).body;
      expect(after).toMatchObject({ occupancy: 2, peakToday: 3 });
    } finally {
      await again.close();
      await first.close();
    }
  });

  it('closes a connection idle for TCP_IDLE_SECONDS', async () => {
    const t = await startTestApp({ tcpIdleSeconds: 1 });
    try {
      const quiet = await TcpClient.connect(t.app.get(TcpAdapter).port);
      await quiet.waitClosed(3000);
      expect(quiet.lines).toEqual(['ERR idle for 1 s']);
    } finally {
      await t.close();
    }
  });

  it('limits connections and the command rate', async () => {
    const t = await startTestApp({ tcpMaxConnections: 2, tcpMaxCommandsPerSecond: 5 });
    const port = t.app.get(TcpAdapter).port;
    try {
      const a = await TcpClient.connect(port);
      const b = await TcpClient.connect(port);
      await a.send('PING\n');
      await b.send('PING\n');
      const c = await TcpClient.connect(port);
      await c.waitClosed();
      expect(c.lines).toEqual(['ERR too many connections (TCP_MAX_CONNECTIONS=2)']);
      // one PING already counted in this second: four more pass, the sixth is refused
      const answers = await a.send('PING\n'.repeat(10), 5);
      expect(answers).toEqual(['PONG', 'PONG', 'PONG', 'PONG', 'ERR over 5 commands a second']);
      await a.waitClosed();
      b.close();
    } finally {
      await t.close();
    }
  });
});
