import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../../src/config/app-config.js';
import type { DatabaseSettings } from '../../src/database/typeorm-options.js';
import { hourOf } from '../../src/readings/reading-rollups.js';
import type { SeriesPoint } from '../../src/readings/series.js';
import { createScratchDatabase, testDatabaseServerUrl } from './test-database.js';

export interface Doc {
  id: string;
  ts: number;
  sensors: { type: string; val: number }[];
}

/** Stores `docs` through the batch endpoint, 1000 a request. */
export async function postAll(url: string, docs: Doc[]): Promise<void> {
  for (let i = 0; i < docs.length; i += 1000) {
    await request(url)
      .post('/api/readings/batch')
      .send(docs.slice(i, i + 1000))
      .expect(201);
  }
}

export interface Aggregate {
  min: number;
  max: number;
  sum: number;
  count: number;
}

/** A small deterministic generator, so a failing case can be replayed. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function fold(into: Map<string, Aggregate>, key: string, val: number): void {
  const a = into.get(key);
  if (a) {
    a.min = Math.min(a.min, val);
    a.max = Math.max(a.max, val);
    a.sum += val;
    a.count++;
  } else {
    into.set(key, { min: val, max: val, sum: val, count: 1 });
  }
}

/** What reading_rollup must hold for `docs`, keyed `device|type|hour`, computed apart from sitewatch. */
export function expectedRollups(docs: Doc[]): Map<string, Aggregate> {
  const rollups = new Map<string, Aggregate>();
  for (const doc of docs) {
    for (const { type, val } of doc.sensors) {
      fold(rollups, `${doc.id}|${type}|${hourOf(doc.ts)}`, val);
    }
  }
  return rollups;
}

/** reading_rollup as stored, keyed like expectedRollups. */
export async function storedRollups(db: DataSource): Promise<Map<string, Aggregate>> {
  const rows: Record<string, string | number>[] = await db.query(
    'SELECT device_id, type, hour, min, max, sum, count FROM reading_rollup',
  );
  return new Map(
    rows.map((r) => [
      `${r.device_id}|${r.type}|${Number(r.hour)}`,
      { min: Number(r.min), max: Number(r.max), sum: Number(r.sum), count: Number(r.count) },
    ]),
  );
}

/** Sums differ in their last bits when added in another order; everything else is exact. */
export function expectClose(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
}

export function expectSameRollups(
  actual: Map<string, Aggregate>,
  expected: Map<string, Aggregate>,
): void {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [key, want] of expected) {
    const got = actual.get(key)!;
    expect({ key, min: got.min, max: got.max, count: got.count }).toEqual({
      key,
      min: want.min,
      max: want.max,
      count: want.count,
    });
    expectClose(got.sum, want.sum);
  }
}

/** The series of `docs` over [from, to) in buckets from `from`, computed in plain JavaScript. */
export function seriesFromDocs(
  docs: Doc[],
  subject: { id: string; type: string },
  range: { from: number; to: number; bucketSeconds: number },
): SeriesPoint[] {
  const buckets = new Map<string, Aggregate>();
  for (const doc of docs) {
    if (doc.id !== subject.id || doc.ts < range.from || doc.ts >= range.to) {
      continue;
    }
    const b = Math.floor((doc.ts - range.from) / range.bucketSeconds);
    doc.sensors.filter((s) => s.type === subject.type).forEach((s) => fold(buckets, `${b}`, s.val));
  }
  return [...buckets]
    .map(([b, a]) => ({
      t: range.from + Number(b) * range.bucketSeconds,
      min: a.min,
      max: a.max,
      avg: a.sum / a.count,
      count: a.count,
    }))
    .sort((x, y) => x.t - y.t);
}

export function expectSamePoints(actual: SeriesPoint[], expected: SeriesPoint[]): void {
  expect(actual.map(({ t, min, max, count }) => ({ t, min, max, count }))).toEqual(
    expected.map(({ t, min, max, count }) => ({ t, min, max, count })),
  );
  actual.forEach((point, i) => expectClose(point.avg, expected[i].avg));
}

export interface FreshDatabase {
  /** For typeormOptions(). */
  settings: DatabaseSettings;
  /** For startTestApp(overrides, dir). */
  overrides: Partial<AppConfig>;
  dir: string;
  drop(): Promise<void>;
}

/** An empty database that outlives one app: a SQLite file, or a scratch PostgreSQL database. */
export async function freshDatabase(): Promise<FreshDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'sitewatch-'));
  const serverUrl = testDatabaseServerUrl();
  const scratch = serverUrl ? await createScratchDatabase(serverUrl) : undefined;
  const databasePath = join(dir, 'sitewatch.sqlite');
  return {
    settings: { databaseUrl: scratch?.url, databasePath },
    overrides: scratch ? { databaseUrl: scratch.url } : {},
    dir,
    async drop() {
      await scratch?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
