import request from 'supertest';
import { DataSource } from 'typeorm';
import { ReadingRollups1764000005000 } from '../migrations/1764000005000-reading-rollups.js';
import { TransactionRunner } from '../src/database/transaction-runner.js';
import { insertRows } from '../src/database/insert-rows.js';
import { MIGRATIONS, typeormOptions } from '../src/database/typeorm-options.js';
import { hourOf } from '../src/readings/reading-rollups.js';
import { SensorValue } from '../src/readings/sensor-value.entity.js';
import { rawSeriesPoints } from '../src/readings/series-queries.js';
import type { Series } from '../src/readings/series.js';
import {
  type Doc,
  postAll,
  expectSamePoints,
  expectSameRollups,
  expectedRollups,
  freshDatabase,
  seeded,
  seriesFromDocs,
  storedRollups,
} from './helpers/rollups.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';

const BASE = 1710001234;
const DAY = 86400;

/** `count` readings of `id` over `days` from BASE, two types with a second CO cell now and then. */
function docsFor(id: string, count: number, days: number, seed: number): Doc[] {
  const random = seeded(seed);
  return Array.from({ length: count }, () => {
    const ts = BASE + Math.round(random() * days * DAY * 1000) / 1000;
    const sensors = [
      { type: 'CO', val: Math.round(random() * 80000) / 1000 - 50 }, // under the CO warning
      { type: 'O2', val: 20 + random() },
    ];
    if (random() < 0.2) {
      sensors.push({ type: 'CO', val: random() * 30 });
    }
    return { id, ts, sensors };
  });
}

async function series(url: string, query: string): Promise<Series> {
  const res = await request(url).get(`/api/readings/series?${query}`).expect(200);
  return res.body;
}

function rawPath(db: DataSource, subject: { id: string; type: string }, answer: Series) {
  const dialect = db.options.type === 'postgres' ? 'postgres' : 'sqlite';
  return rawSeriesPoints(db.getRepository(SensorValue), dialect, subject, {
    ...answer,
    hourly: false,
  });
}

describe('hourly roll-ups (e2e)', () => {
  let t: TestApp;
  let db: DataSource;
  const docs = [...docsFor('rollup a', 3000, 10, 1), ...docsFor('rollup b', 500, 10, 2)];

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    await postAll(t.url, docs);
  });

  afterAll(async () => {
    await t.close();
  });

  it('keeps min, max, sum and count per device, type and UTC hour as readings commit', async () => {
    expectSameRollups(await storedRollups(db), expectedRollups(docs));
  });

  it('adds up concurrent posts into one hour without losing one', async () => {
    const hour = hourOf(BASE) + 100 * DAY;
    const posted = Array.from({ length: 200 }, (_, i) => ({
      id: 'rollup busy',
      ts: hour + i * 17,
      sensors: [{ type: 'CO', val: i % 30 }],
    }));
    const answers = await Promise.all(
      posted.map((doc) => request(t.url).post('/receive-json').send(doc)),
    );
    expect(answers.map((res) => res.status)).toEqual(posted.map(() => 201));
    const rows = await storedRollups(db);
    expect(rows.get(`rollup busy|CO|${hour}`)).toEqual({
      min: 0,
      max: 29,
      sum: posted.reduce((sum, doc) => sum + doc.sensors[0].val, 0),
      count: 200,
    });
  });

  it.each([
    ['30 days at 300 points', BASE - 10 * DAY, BASE + 20 * DAY, 300],
    ['10 days at 7 points', BASE - 5000, BASE + 10 * DAY + 77, 7],
    ['a day at 24 points', BASE + 2 * DAY, BASE + 3 * DAY, 24],
    ['a year at 365 points', BASE - 100 * DAY, BASE + 265 * DAY, 365],
  ])('answers %s from whole UTC hours, as the raw values give', async (_, from, to, points) => {
    for (const subject of [
      { id: 'rollup a', type: 'CO' },
      { id: 'rollup b', type: 'O2' },
    ]) {
      const answer = await series(
        t.url,
        `id=${encodeURIComponent(subject.id)}&type=${subject.type}&from=${from}&to=${to}&points=${points}`,
      );
      expect(answer.bucketSeconds % 3600).toBe(0);
      expect(answer.from).toBe(hourOf(from));
      expect(answer.to).toBe(Math.ceil(to / 3600) * 3600);
      expect(Math.ceil((answer.to - answer.from) / answer.bucketSeconds)).toBeLessThanOrEqual(
        points,
      );
      expect(answer.points.length).toBeGreaterThan(0);
      expectSamePoints(answer.points, await rawPath(db, subject, answer));
      expectSamePoints(answer.points, seriesFromDocs(docs, subject, answer));
    }
  });

  it('keeps buckets under an hour on the raw values, where the range starts', async () => {
    const from = BASE + 1000;
    const answer = await series(
      t.url,
      `id=rollup%20a&type=CO&from=${from}&to=${from + DAY}&points=300`,
    );
    expect(answer).toMatchObject({ from, to: from + DAY, bucketSeconds: 288 });
    expectSamePoints(answer.points, seriesFromDocs(docs, { id: 'rollup a', type: 'CO' }, answer));
  });
});

describe(ReadingRollups1764000005000.name, () => {
  it('builds roll-ups for the readings stored before it', async () => {
    const database = await freshDatabase();
    const index = MIGRATIONS.indexOf(ReadingRollups1764000005000);
    const docs = [...docsFor('old a', 2000, 20, 3), ...docsFor('old b', 300, 3, 4)];
    const before = await new DataSource({
      ...typeormOptions(database.settings),
      migrations: MIGRATIONS.slice(0, index),
    }).initialize();
    let app: TestApp | undefined;
    try {
      await before.runMigrations({ transaction: 'each' });
      await storeWithoutRollups(before, docs);
      await before.destroy();
      app = await startTestApp(database.overrides, database.dir);
      const db = app.app.get(DataSource);
      expectSameRollups(await storedRollups(db), expectedRollups(docs));
      const answer = await series(app.url, `id=old%20a&type=CO&from=${BASE}&to=${BASE + 20 * DAY}`);
      expect(answer.bucketSeconds).toBe(7200);
      expectSamePoints(answer.points, await rawPath(db, { id: 'old a', type: 'CO' }, answer));
    } finally {
      await app?.close();
      if (before.isInitialized) {
        await before.destroy();
      }
      await database.drop();
    }
  });
});

/** Readings as the write path stored them before roll-ups existed. */
async function storeWithoutRollups(db: DataSource, docs: Doc[]): Promise<void> {
  const tx = new TransactionRunner(db);
  await tx.run(async (manager) => {
    const readings = docs.map((d) => [d.id, d.ts, JSON.stringify(d.sensors), d.ts, 'http']);
    const columns = ['device_id', 'ts', 'sensors', 'received_at', 'source'];
    const ids = await insertRows(manager, tx, 'sensor_data', columns, readings, true);
    const values = docs.flatMap((d, i) =>
      d.sensors.map((s, idx) => [ids[i], idx, d.id, s.type, d.ts, s.val]),
    );
    const valueColumns = ['reading_id', 'idx', 'device_id', 'type', 'ts', 'value'];
    await insertRows(manager, tx, 'sensor_value', valueColumns, values);
  });
}
