import { jest } from '@jest/globals';
import { SchedulerRegistry } from '@nestjs/schedule';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { io } from 'socket.io-client';
import { Clock } from '../src/common/clock.js';
import { ActivityTextLog } from '../src/occupancy/activity-text-log.js';
import { OccupancyResetService, RESET_JOB } from '../src/occupancy/occupancy-reset.service.js';
import { TcpAdapter } from '../src/tcp/tcp.adapter.js';
import { openSse } from './helpers/sse.js';
import { enterAround, TcpClient } from './helpers/tcp-client.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { until } from './helpers/wait.js';
import type { ActivityEntry } from '../src/occupancy/facility-actions.js';

const DAY_MS = 86_400_000;
const STAMP = String.raw`\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}`;

async function occupancyOf(t: TestApp): Promise<number> {
  return (await request(t.url).get('/api/occupancy').expect(200)).body.occupancy;
}

/** Activity rows after `afterId`, oldest first (commit order). */
async function rowsAfter(t: TestApp, afterId: number): Promise<ActivityEntry[]> {
  const rows: ActivityEntry[] = (await request(t.url).get('/api/activity?limit=1000').expect(200))
    .body;
  return rows.filter((row) => row.id > afterId).sort((a, b) => a.id - b.id);
}

/** The highest row id (a test that moved the clock may have left rows dated ahead). */
async function lastRowId(t: TestApp): Promise<number> {
  const rows: ActivityEntry[] = (await request(t.url).get('/api/activity?limit=1000').expect(200))
    .body;
  return Math.max(0, ...rows.map((row) => row.id));
}

async function textLog(t: TestApp): Promise<string[]> {
  await t.app.get(ActivityTextLog).flushed();
  return readFileSync(t.config.activityLogFile, 'utf8').trim().split('\n');
}

/**
 * 50 devices send PersonEntered one after another while `act` (a correction or a reset to
 * `target`) runs once 50 of them have been answered; each device sends two more after it.
 * Then every row follows from the one before it by its command, and the end count is the
 * target plus the entries that committed after it.
 */
async function checkExactAmidDevices(
  t: TestApp,
  command: string,
  target: number,
  act: () => Promise<unknown>,
): Promise<void> {
  const before = await lastRowId(t);
  const start = await occupancyOf(t);
  const port = t.app.get(TcpAdapter).port;
  const devices = await Promise.all(Array.from({ length: 50 }, () => TcpClient.connect(port)));
  await enterAround(devices, act);
  devices.forEach((device) => device.close());

  const rows = await rowsAfter(t, before);
  const entries = rows.filter((row) => row.command === 'PersonEntered');
  expect(rows.filter((row) => row.command !== 'PersonEntered')).toEqual([
    expect.objectContaining({ command, occupancy: target }),
  ]);
  let count = start;
  for (const row of rows) {
    count = row.command === command ? target : count + 1;
    expect(row.occupancy).toBe(count);
  }
  const at = rows.findIndex((row) => row.command === command);
  expect(at).toBeGreaterThan(0);
  expect(at).toBeLessThan(rows.length - 1);
  const end = await occupancyOf(t);
  expect(end).toBe(count);
  expect(end).toBe(target + rows.length - 1 - at);
  const answers = devices.flatMap((device) => device.lines).map((line) => line.replace('OK ', ''));
  expect(answers.map(Number).sort((a, b) => a - b)).toEqual(
    entries.map((row) => row.occupancy).sort((a, b) => a - b),
  );
}

describe('occupancy corrections (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ maxOccupancy: 5, tcpMaxCommandsPerSecond: 1000 });
  });

  afterAll(async () => {
    await t.close();
  });

  it('sets the count, answers as GET does, and logs a row and a classic line', async () => {
    const res = await request(t.url)
      .post('/api/occupancy')
      .send({ occupancy: 3, reason: 'head count at the gate' })
      .expect(200);
    expect(res.body).toEqual({
      occupancy: 3,
      capacity: 5,
      peakToday: 3,
      updatedAt: expect.any(Number),
    });
    expect((await request(t.url).get('/api/occupancy').expect(200)).body).toEqual(res.body);
    const [row] = (await request(t.url).get('/api/activity?limit=1').expect(200)).body;
    expect(row).toEqual({
      id: expect.any(Number),
      at: res.body.updatedAt,
      deviceId: 'api',
      command: 'OccupancyCorrected',
      text: 'Occupancy corrected to 3 (head count at the gate)',
      occupancy: 3,
    });
    const line = new RegExp(`^${STAMP}, Occupancy corrected to 3 \\(head count at the gate\\), 3$`);
    expect((await textLog(t)).at(-1)).toMatch(line);
    const api = (await request(t.url).get('/api/activity.txt').expect(200)).text.trim();
    expect(api.split('\n').at(-1)).toMatch(line);
  });

  it('sends occupancy and activity over Socket.IO and SSE', async () => {
    const socket = io(t.url, { transports: ['websocket'], forceNew: true });
    const stream = await openSse(`${t.url}/api/stream`);
    const got: string[] = [];
    socket.on('occupancy', (o: { occupancy: number }) => got.push(`occupancy ${o.occupancy}`));
    socket.on('activity', (a: { text: string }) => got.push(`activity ${a.text}`));
    try {
      await until(() => socket.connected, 3000, 'socket');
      await request(t.url)
        .post('/api/occupancy')
        .send({ occupancy: 2, reason: 'recount' })
        .expect(200);
      await until(() => got.length === 2, 3000, 'Socket.IO occupancy and activity');
      expect(got).toEqual(['occupancy 2', 'activity Occupancy corrected to 2 (recount)']);
      await until(() => stream.messages.some((m) => m.event === 'activity'), 3000, 'SSE activity');
      const sse = stream.messages.filter((m) => m.event === 'occupancy' || m.event === 'activity');
      expect(sse.map((m) => m.event)).toEqual(['occupancy', 'activity']);
      expect(sse[0].data).toMatchObject({ occupancy: 2, capacity: 5 });
      expect(sse[1].data).toMatchObject({ command: 'OccupancyCorrected', occupancy: 2 });
    } finally {
      socket.close();
      stream.close();
    }
  });

  it('raises the capacity alert above MAX_OCCUPANCY, resolves it below, and raises the peak', async () => {
    const over = await request(t.url)
      .post('/api/occupancy')
      .send({ occupancy: 9, reason: 'coach party' })
      .expect(200);
    expect(over.body).toMatchObject({ occupancy: 9, peakToday: 9 });
    await until(
      async () =>
        (await request(t.url).get('/api/alerts?rule=capacity&state=active')).body.length === 1,
      3000,
      'capacity alert',
    );
    const under = await request(t.url)
      .post('/api/occupancy')
      .send({ occupancy: 4, reason: 'coach left' })
      .expect(200);
    // the peak of the day is the highest count it had, corrections included
    expect(under.body).toMatchObject({ occupancy: 4, peakToday: 9 });
    await until(
      async () =>
        (await request(t.url).get('/api/alerts?rule=capacity&state=active')).body.length === 0,
      3000,
      'capacity resolved',
    );
    const [alert] = (await request(t.url).get('/api/alerts?rule=capacity')).body;
    expect(alert).toMatchObject({ state: 'resolved', subject: 'facility' });
  });

  it.each([
    ['a negative count', { occupancy: -1, reason: 'r' }, ['occupancy']],
    ['a fraction', { occupancy: 1.5, reason: 'r' }, ['occupancy']],
    ['a word', { occupancy: 'ten', reason: 'r' }, ['occupancy']],
    ['a number in a string', { occupancy: '5', reason: 'r' }, ['occupancy']],
    ['over 1,000,000', { occupancy: 1_000_001, reason: 'r' }, ['occupancy']],
    ['no count', { reason: 'r' }, ['occupancy']],
    ['a null count', { occupancy: null, reason: 'r' }, ['occupancy']],
    ['an empty reason', { occupancy: 5, reason: '' }, ['reason']],
    ['a reason of 201 characters', { occupancy: 5, reason: 'x'.repeat(201) }, ['reason']],
    ['no reason', { occupancy: 5 }, ['reason']],
    ['a reason that is not text', { occupancy: 5, reason: 42 }, ['reason']],
    ['a reason of spaces', { occupancy: 5, reason: '   ' }, ['reason']],
    ['a reason with a line break', { occupancy: 5, reason: 'a\nb' }, ['reason']],
    ['a reason with a tab', { occupancy: 5, reason: 'a\tb' }, ['reason']],
    // class-validator's Length would count these 301 code points as 1 character
    [
      'a reason of 301 code points',
      { occupancy: 5, reason: 'a' + '\uFE0F'.repeat(300) },
      ['reason'],
    ],
    ['nothing', {}, ['occupancy', 'reason']],
  ])('answers 400 naming the field for %s, and changes nothing', async (_, body, fields) => {
    const before = await lastRowId(t);
    const count = await occupancyOf(t);
    const res = await request(t.url).post('/api/occupancy').send(body).expect(400);
    expect(res.body.statusCode).toBe(400);
    const named = [...new Set(res.body.errors.map((e: { field: string }) => e.field))].sort();
    expect(named).toEqual(fields);
    expect(res.body.errors.every((e: { message: string }) => e.message.length > 0)).toBe(true);
    expect(await occupancyOf(t)).toBe(count);
    expect(await lastRowId(t)).toBe(before);
  });

  it('takes the bounds: 0, 1,000,000 and a reason of 200 characters of any plane', async () => {
    const longest = '\u{1F6AA}'.repeat(200);
    const top = await request(t.url)
      .post('/api/occupancy')
      .send({ occupancy: 1_000_000, reason: longest })
      .expect(200);
    expect(top.body.occupancy).toBe(1_000_000);
    const [row] = (await request(t.url).get('/api/activity?limit=1').expect(200)).body;
    expect(row.text).toBe(`Occupancy corrected to 1000000 (${longest})`);
    await request(t.url)
      .post('/api/occupancy')
      .send({ occupancy: 0, reason: 'r', extra: 'ignored' })
      .expect(200);
    expect(await occupancyOf(t)).toBe(0);
  });

  it('is exact while 50 devices send PersonEntered around it', async () => {
    let answer: request.Response | undefined;
    await checkExactAmidDevices(t, 'OccupancyCorrected', 10, async () => {
      answer = await request(t.url)
        .post('/api/occupancy')
        .send({ occupancy: 10, reason: 'door held open' })
        .expect(200);
    });
    expect(answer!.body.occupancy).toBe(10);
  });

  it('keeps the text log in commit order, the same as /api/activity.txt', async () => {
    const file = await textLog(t);
    const api = (await request(t.url).get('/api/activity.txt').expect(200)).text.trim().split('\n');
    expect(api).toEqual(file);
  });
});

describe('occupancy corrections in token mode (e2e)', () => {
  const key = 'occupancy-admin-key-0123456789';
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ authMode: 'token', apiKey: key, httpRateLimit: 0 });
  });

  afterAll(async () => {
    await t.close();
  });

  it('answers 401 without the API key or with a wrong one, and 200 with it', async () => {
    const body = { occupancy: 4, reason: 'recount' };
    await request(t.url).post('/api/occupancy').send(body).expect(401);
    await request(t.url).post('/api/occupancy').set('X-API-Key', `${key}x`).send(body).expect(401);
    await request(t.url).post(`/api/occupancy?apiKey=${key}`).send(body).expect(401);
    const before = await request(t.url).get('/api/occupancy').set('X-API-Key', key).expect(200);
    expect(before.body.occupancy).toBe(0);
    const ok = await request(t.url)
      .post('/api/occupancy')
      .set('X-API-Key', key)
      .send(body)
      .expect(200);
    expect(ok.body.occupancy).toBe(4);
  });
});

describe('daily occupancy reset (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      occupancyResetAt: '06:30',
      maxOccupancy: 1000,
      tcpMaxCommandsPerSecond: 1000,
    });
  });

  afterAll(async () => {
    await t.close();
  });

  async function correct(occupancy: number): Promise<void> {
    await request(t.url).post('/api/occupancy').send({ occupancy, reason: 'test' }).expect(200);
  }

  it('registers a cron job at OCCUPANCY_RESET_AT, server local time', () => {
    const job = t.app.get(SchedulerRegistry).getCronJob(RESET_JOB);
    expect(job.cronTime.source).toBe('0 30 6 * * *');
    expect(job.isActive).toBe(true);
    const next = job.nextDate().toJSDate();
    expect([next.getHours(), next.getMinutes(), next.getSeconds()]).toEqual([6, 30, 0]);
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect(next.getTime()).toBeLessThanOrEqual(Date.now() + DAY_MS + 3_600_000);
  });

  it('resets to 0 once a day when called as the job does, with row, line and events', async () => {
    await correct(7);
    const socket = io(t.url, { transports: ['websocket'], forceNew: true });
    const got: string[] = [];
    socket.on('occupancy', (o: { occupancy: number }) => got.push(`occupancy ${o.occupancy}`));
    socket.on('activity', (a: { text: string }) => got.push(`activity ${a.text}`));
    try {
      await until(() => socket.connected, 3000, 'socket');
      const reset = t.app.get(OccupancyResetService);
      const entry = await reset.resetIfDue(Date.now());
      expect(entry).toMatchObject({
        deviceId: 'scheduler',
        command: 'DailyReset',
        text: 'Daily occupancy reset',
        occupancy: 0,
      });
      await correct(3);
      expect(await reset.resetIfDue(Date.now())).toBeNull();
      expect(await occupancyOf(t)).toBe(3);
      await until(() => got.length === 4, 3000, 'events');
      expect(got.slice(0, 2)).toEqual(['occupancy 0', 'activity Daily occupancy reset']);
    } finally {
      socket.close();
    }
    const rows: ActivityEntry[] = (await request(t.url).get('/api/activity?limit=1000')).body;
    expect(rows.filter((row) => row.text === 'Daily occupancy reset')).toHaveLength(1);
    expect(await textLog(t)).toContainEqual(
      expect.stringMatching(new RegExp(`^${STAMP}, Daily occupancy reset, 0$`)),
    );
  });

  it('resets once when the job fires several times for the same day', async () => {
    const reset = t.app.get(OccupancyResetService);
    const tomorrow = Date.now() + DAY_MS;
    const entries = await Promise.all(Array.from({ length: 5 }, () => reset.resetIfDue(tomorrow)));
    expect(entries.filter((entry) => entry !== null)).toHaveLength(1);
    expect(await occupancyOf(t)).toBe(0);
  });

  it('resets when the registered job fires', async () => {
    const before = await lastRowId(t);
    await correct(5);
    // the test before made tomorrow's reset; fire the job as if it were the day after
    jest.spyOn(t.app.get(Clock), 'now').mockImplementation(() => Date.now() + 2 * DAY_MS);
    try {
      await t.app.get(SchedulerRegistry).getCronJob(RESET_JOB).fireOnTick();
      await until(async () => (await occupancyOf(t)) === 0, 3000, 'reset by the job');
    } finally {
      jest.restoreAllMocks();
    }
    const rows = await rowsAfter(t, before);
    expect(rows.map((row) => row.text)).toEqual([
      'Occupancy corrected to 5 (test)',
      'Daily occupancy reset',
    ]);
  });

  it('is exact while 50 devices send PersonEntered around it', async () => {
    const reset = t.app.get(OccupancyResetService);
    await correct(20);
    await checkExactAmidDevices(t, 'DailyReset', 0, async () => {
      expect(await reset.resetIfDue(Date.now() + 3 * DAY_MS)).not.toBeNull();
    });
  });

  it('does nothing without OCCUPANCY_RESET_AT', async () => {
    const plain = await startTestApp();
    try {
      expect(plain.app.get(SchedulerRegistry).doesExist('cron', RESET_JOB)).toBe(false);
      expect(await plain.app.get(OccupancyResetService).resetIfDue()).toBeNull();
    } finally {
      await plain.close();
    }
  });
});

describe('daily occupancy reset missed while down (e2e)', () => {
  /** `HH:MM` of `ms`, local time. */
  function hhmm(ms: number): string {
    const d = new Date(ms);
    return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  }

  /** The first run's database on restart (its folder holds the SQLite file). */
  function sameDatabase(first: TestApp): { databaseUrl?: string } {
    return { databaseUrl: first.config.databaseUrl };
  }

  /** Counts `entered` people on a first run whose clock reads `ago` ms ago, then stops it. */
  async function countedAgo(entered: number, ago: number): Promise<TestApp> {
    const first = await startTestApp({ tcpMaxCommandsPerSecond: 1000 });
    jest.spyOn(first.app.get(Clock), 'now').mockImplementation(() => Date.now() - ago);
    try {
      const door = await TcpClient.connect(first.app.get(TcpAdapter).port);
      await door.send('PersonEntered\n'.repeat(entered), entered);
      door.close();
    } finally {
      jest.restoreAllMocks();
    }
    await until(async () => (await lastRowId(first)) > 0, 3000, 'rows');
    await first.app.close();
    return first;
  }

  it('makes the reset up at start when the count last changed before the reset time', async () => {
    const first = await countedAgo(3, 2 * 3_600_000);
    const restart = { occupancyResetAt: hhmm(Date.now() - 3_600_000), ...sameDatabase(first) };
    const again = await startTestApp(restart, first.dir);
    try {
      expect(await occupancyOf(again)).toBe(0);
      const [latest] = (await request(again.url).get('/api/activity?limit=1')).body;
      expect(latest).toMatchObject({ text: 'Daily occupancy reset', occupancy: 0 });
    } finally {
      await again.close();
    }
    const third = await startTestApp(restart, first.dir);
    try {
      const rows: ActivityEntry[] = (await request(third.url).get('/api/activity?limit=1000')).body;
      expect(rows.filter((row) => row.text === 'Daily occupancy reset')).toHaveLength(1);
    } finally {
      await third.close();
      await first.close();
    }
  });

  it('leaves a count alone that changed after the reset time', async () => {
    const first = await countedAgo(3, 0);
    const again = await startTestApp(
      { occupancyResetAt: hhmm(Date.now() - 3_600_000), ...sameDatabase(first) },
      first.dir,
    );
    try {
      expect(await occupancyOf(again)).toBe(3);
    } finally {
      await again.close();
      await first.close();
    }
  });
});
