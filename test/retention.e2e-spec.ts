import request from 'supertest';
import { DataSource } from 'typeorm';
import { TransactionRunner } from '../src/database/transaction-runner.js';
import { insertReadings } from '../src/readings/reading-inserts.js';
import { hourOf } from '../src/readings/reading-rollups.js';
import type { Series } from '../src/readings/series.js';
import { RetentionService } from '../src/retention/retention.service.js';
import {
  type Doc,
  postAll,
  expectSamePoints,
  freshDatabase,
  seriesFromDocs,
  storedRollups,
} from './helpers/rollups.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { until } from './helpers/wait.js';

const DAY = 86400;
const RETENTION_DAYS = 30;

function now(): number {
  return Math.floor(Date.now() / 1000);
}

/** `count` readings of `id`, one a minute from `start`. */
function minuteDocs(id: string, start: number, count: number): Doc[] {
  return Array.from({ length: count }, (_, i) => ({
    id,
    ts: start + i * 60,
    sensors: [
      { type: 'CO', val: (i % 30) + 0.5 }, // under the CO warning: no alerts to wait for
      { type: 'O2', val: 20.9 },
    ],
  }));
}

/** Through the write path's own insert, without HTTP: quicker for a large backlog. */
async function store(t: TestApp, docs: Doc[]): Promise<void> {
  const tx = t.app.get(TransactionRunner);
  const origin = { source: 'http', gateway: null } as const;
  for (let i = 0; i < docs.length; i += 2000) {
    const pending = docs
      .slice(i, i + 2000)
      .map((reading) => ({ reading: { ...reading, pct: null }, origin, receivedAt: now() }));
    await tx.run((manager) => insertReadings(manager, tx, pending));
  }
}

async function count(db: DataSource, sql: string): Promise<number> {
  const [row] = await db.query(`SELECT COUNT(*) AS n FROM ${sql}`);
  return Number(row.n);
}

async function series(url: string, id: string, from: number, to: number): Promise<Series> {
  const query = `id=${encodeURIComponent(id)}&type=CO&from=${from}&to=${to}&points=300`;
  return (await request(url).get(`/api/readings/series?${query}`).expect(200)).body;
}

describe(`${RetentionService.name} (e2e)`, () => {
  let t: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    t = await startTestApp({ retentionDays: RETENTION_DAYS });
    db = t.app.get(DataSource);
  });

  afterAll(async () => {
    await t.close();
  });

  it('deletes readings past retention and keeps newer ones, roll-ups, alerts and the activity log', async () => {
    const oldStart = hourOf(now() - 40 * DAY);
    const old = minuteDocs('kept apart', oldStart, 600);
    old[10].sensors[0].val = 5000; // a CO alarm: the alert it raises outlives the reading
    const recent = minuteDocs('kept apart', hourOf(now() - 2 * DAY), 120);
    await postAll(t.url, [...old, ...recent]);
    await db.query(
      `INSERT INTO activity_log (at, device_id, command, text, occupancy) VALUES (${oldStart}, 'door', 'ENTER', 'old entry', 1)`,
    );
    await until(async () => (await count(db, 'alert')) > 0, 3000, 'the CO alert');
    const kept = {
      rollups: await storedRollups(db),
      alerts: await count(db, 'alert'),
      activity: await count(db, 'activity_log'),
    };

    const pass = await t.app.get(RetentionService).run();

    expect(pass).toMatchObject({ deleted: 600 });
    const stored = await request(t.url)
      .get('/get-data-from-timestamp?system_time=0&id=kept%20apart')
      .expect(200);
    expect(stored.body.map((r: { ts: number }) => r.ts)).toEqual(recent.map((d) => d.ts));
    expect(await count(db, `sensor_value WHERE ts < ${now() - RETENTION_DAYS * DAY}`)).toBe(0);
    expect(await count(db, `sensor_value WHERE device_id = 'kept apart'`)).toBe(240);
    expect(await storedRollups(db)).toEqual(kept.rollups);
    expect(await count(db, 'alert')).toBe(kept.alerts);
    expect(await count(db, 'activity_log')).toBe(kept.activity);
    const oldSeries = await series(t.url, 'kept apart', oldStart, oldStart + 10 * 3600);
    // raw values are gone there, so even buckets that would be short are whole roll-up hours
    expect(oldSeries).toMatchObject({ from: oldStart, bucketSeconds: 3600 });
    expect(oldSeries.points.reduce((n, p) => n + p.count, 0)).toBe(600);
    expectSamePoints(
      oldSeries.points,
      seriesFromDocs(old, { id: 'kept apart', type: 'CO' }, oldSeries),
    );
  });

  it('reports what it deleted as an info event', async () => {
    await postAll(t.url, minuteDocs('reported', hourOf(now() - 60 * DAY), 5));
    await t.app.get(RetentionService).run();
    const events = (await request(t.url).get('/api/events').expect(200)).body;
    expect(JSON.stringify(events)).toMatch(/Deleted 5 reading\(s\) older than 30 day\(s\)/);
  });

  it('keeps ingest answering while it deletes 20,000 readings', async () => {
    await store(t, minuteDocs('backlog', hourOf(now() - 400 * DAY), 20000));
    const deleting = t.app.get(RetentionService).run();
    const fresh = minuteDocs('live', now() - 3600, 200);
    const answers = await Promise.all(
      fresh.map((doc) => request(t.url).post('/receive-json').send(doc)),
    );
    expect(answers.map((res) => res.status)).toEqual(fresh.map(() => 201));
    expect(await deleting).toMatchObject({ deleted: 20000 });
    expect(await count(db, `sensor_data WHERE device_id = 'backlog'`)).toBe(0);
    expect(await count(db, `sensor_data WHERE device_id = 'live'`)).toBe(200);
    expect(await count(db, `sensor_value WHERE device_id = 'backlog'`)).toBe(0);
    expect(await count(db, `reading_rollup WHERE device_id = 'backlog'`)).toBe(2 * 334);
  });
});

describe(`${RetentionService.name} at start and on several instances (e2e)`, () => {
  it('runs at start, does nothing when unset, and two instances deleting at once delete each reading once', async () => {
    const database = await freshDatabase();
    const apps: TestApp[] = [];
    try {
      const keepAll = await startTestApp(database.overrides, database.dir);
      apps.push(keepAll);
      await postAll(keepAll.url, minuteDocs('at start', hourOf(now() - 90 * DAY), 3000));
      expect(await keepAll.app.get(RetentionService).run()).toBeNull();
      await keepAll.close();

      const overrides = { ...database.overrides, retentionDays: RETENTION_DAYS };
      const first = await startTestApp(overrides, database.dir);
      apps.push(first);
      // the pass at start deleted them: a second pass finds nothing
      expect(await first.app.get(RetentionService).run()).toMatchObject({ deleted: 0 });
      const db = first.app.get(DataSource);
      expect(await count(db, 'sensor_data')).toBe(0);

      const second = await startTestApp(overrides, database.dir);
      apps.push(second);
      await store(first, minuteDocs('twice', hourOf(now() - 90 * DAY), 8000));
      const passes = await Promise.all(
        [first, second].map((app) => app.app.get(RetentionService).run()),
      );
      expect(passes.reduce((n, pass) => n + pass!.deleted, 0)).toBe(8000);
      expect(await count(db, 'sensor_data')).toBe(0);
      expect(await count(db, 'sensor_value')).toBe(0);
    } finally {
      for (const app of apps) {
        await app.close();
      }
      await database.drop();
    }
  });
});
