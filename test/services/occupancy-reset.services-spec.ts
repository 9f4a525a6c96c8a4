import { jest } from '@jest/globals';
import { SchedulerRegistry } from '@nestjs/schedule';
import request from 'supertest';
import { io, type Socket } from 'socket.io-client';
import { Clock } from '../../src/common/clock.js';
import { OccupancyResetService, RESET_JOB } from '../../src/occupancy/occupancy-reset.service.js';
import { OccupancyService } from '../../src/occupancy/occupancy.service.js';
import { TcpAdapter } from '../../src/tcp/tcp.adapter.js';
import { serviceUrl } from '../helpers/services.js';
import { enterAround, TcpClient } from '../helpers/tcp-client.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { until } from '../helpers/wait.js';

interface Row {
  id: number;
  command: string;
  text: string;
  occupancy: number;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** `HH:MM` of `ms`, local time. */
function hhmm(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

describe('occupancy corrections and the daily reset on two instances (services)', () => {
  const redisUrl = serviceUrl('SITEWATCH_TEST_REDIS_URL');
  let first: TestApp;
  let a: TestApp;
  let b: TestApp;
  const closers: (() => void)[] = [];

  async function rows(): Promise<Row[]> {
    const all: Row[] = (await request(a.url).get('/api/activity?limit=1000').expect(200)).body;
    return all.sort((x, y) => x.id - y.id);
  }

  async function resetRows(): Promise<Row[]> {
    return (await rows()).filter((row) => row.text === 'Daily occupancy reset');
  }

  async function socketOf(app: TestApp): Promise<Socket> {
    const socket = io(app.url, { transports: ['websocket'], forceNew: true });
    closers.push(() => socket.close());
    await until(() => socket.connected, 3000, 'socket');
    return socket;
  }

  beforeAll(async () => {
    // a first run counts 8 people two hours ago, then every instance is down at the reset time
    first = await startTestApp();
    jest.spyOn(first.app.get(Clock), 'now').mockImplementation(() => Date.now() - 2 * HOUR_MS);
    await first.app.get(OccupancyService).correct(8, 'before the outage');
    jest.restoreAllMocks();
    await first.app.close();
    const shared = {
      redisUrl,
      databaseUrl: first.config.databaseUrl,
      occupancyResetAt: hhmm(Date.now() - HOUR_MS),
      maxOccupancy: 10000,
      tcpMaxCommandsPerSecond: 1000,
    };
    [a, b] = await Promise.all([startTestApp(shared), startTestApp(shared)]);
  });

  afterAll(async () => {
    closers.forEach((close) => close());
    await b?.close();
    await a?.close();
    await first?.close();
  });

  it('runs two instances on one PostgreSQL database', () => {
    expect(a.config.databaseUrl).toMatch(/^postgres/);
    expect(b.config.databaseUrl).toBe(a.config.databaseUrl);
  });

  it('makes a missed reset up once when both instances start at the same moment', async () => {
    expect(await resetRows()).toHaveLength(1);
    expect((await request(b.url).get('/api/occupancy').expect(200)).body.occupancy).toBe(0);
  });

  it('resets once when both instances fire the job at the same moment', async () => {
    await request(a.url)
      .post('/api/occupancy')
      .send({ occupancy: 6, reason: 'before the job' })
      .expect(200);
    const heard: string[] = [];
    const socket = await socketOf(b);
    socket.on('activity', (entry: { text: string }) => heard.push(entry.text));
    // the catch-up made the reset of the latest reset time; the jobs fire for the next one
    const next = Date.now() + DAY_MS;
    const services = [a.app.get(OccupancyResetService), b.app.get(OccupancyResetService)];
    const entries = await Promise.all(
      Array.from({ length: 20 }, (_, i) => services[i % 2].resetIfDue(next)),
    );
    expect(entries.filter((entry) => entry !== null)).toHaveLength(1);
    expect(await resetRows()).toHaveLength(2);
    expect((await request(a.url).get('/api/occupancy').expect(200)).body.occupancy).toBe(0);
    await until(() => heard.includes('Daily occupancy reset'), 3000, 'the reset on B');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(heard.filter((text) => text === 'Daily occupancy reset')).toHaveLength(1);
  });

  it('resets once when the registered jobs of both instances tick together', async () => {
    await request(b.url)
      .post('/api/occupancy')
      .send({ occupancy: 4, reason: 'before the tick' })
      .expect(200);
    const later = Date.now() + 2 * DAY_MS;
    for (const app of [a, b]) {
      jest.spyOn(app.app.get(Clock), 'now').mockImplementation(() => later);
    }
    try {
      await Promise.all(
        [a, b].map((app) => app.app.get(SchedulerRegistry).getCronJob(RESET_JOB).fireOnTick()),
      );
      await until(async () => (await resetRows()).length === 3, 3000, 'the reset');
    } finally {
      jest.restoreAllMocks();
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await resetRows()).toHaveLength(3);
  });

  it('is exact while 50 devices on both instances send PersonEntered around a correction', async () => {
    const before = Math.max(0, ...(await rows()).map((row) => row.id));
    const start = (await request(a.url).get('/api/occupancy').expect(200)).body.occupancy;
    const ports = [a.app.get(TcpAdapter).port, b.app.get(TcpAdapter).port];
    const devices = await Promise.all(
      Array.from({ length: 50 }, (_, i) => TcpClient.connect(ports[i % 2])),
    );
    await enterAround(devices, async () => {
      await request(b.url)
        .post('/api/occupancy')
        .send({ occupancy: 30, reason: 'recount' })
        .expect(200);
    });
    devices.forEach((device) => device.close());
    const after = (await rows()).filter((row) => row.id > before);
    let count = start;
    for (const row of after) {
      count = row.command === 'OccupancyCorrected' ? 30 : count + 1;
      expect(row.command).toMatch(/^(PersonEntered|OccupancyCorrected)$/);
      expect(row.occupancy).toBe(count);
    }
    const at = after.findIndex((row) => row.command === 'OccupancyCorrected');
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(after.length - 1);
    expect(after.filter((row) => row.command === 'OccupancyCorrected')).toHaveLength(1);
    const end = (await request(a.url).get('/api/occupancy').expect(200)).body.occupancy;
    expect(end).toBe(count);
    expect(end).toBe(30 + after.length - 1 - at);
    const answers = devices.flatMap((device) => device.lines).map((line) => Number(line.slice(3)));
    expect(answers.sort((x, y) => x - y)).toEqual(
      after
        .filter((row) => row.command === 'PersonEntered')
        .map((row) => row.occupancy)
        .sort((x, y) => x - y),
    );
  });
});
