import type { Repository } from 'typeorm';
import type { Dialect } from '../database/transaction-runner.js';
import type { ReadingRollup } from './reading-rollup.entity.js';
import type { SensorValue } from './sensor-value.entity.js';
import { bucketStart, type SeriesPlan, type SeriesPoint } from './series.js';

/** One device's values of one sensor type. */
export interface SeriesSubject {
  id: string;
  type: string;
}

interface BucketRow {
  b: number | string;
  min: number | string;
  max: number | string;
  sum: number | string;
  count: number | string;
}

function bucketOf(dialect: Dialect, column: string): string {
  // Integer division: CAST truncates in SQLite (column >= from, so never negative); PostgreSQL rounds, so FLOOR.
  return dialect === 'postgres'
    ? `FLOOR((${column} - :from) / :bucketSeconds)`
    : `CAST((${column} - :from) / :bucketSeconds AS INTEGER)`;
}

function toPoints(plan: SeriesPlan, rows: BucketRow[]): SeriesPoint[] {
  return rows.map((row) => ({
    t: bucketStart(plan.from, plan.bucketSeconds, Number(row.b)),
    min: Number(row.min),
    max: Number(row.max),
    avg: Number(row.sum) / Number(row.count),
    count: Number(row.count),
  }));
}

/** Buckets computed from the raw values, over the series index. */
export async function rawSeriesPoints(
  values: Repository<SensorValue>,
  dialect: Dialect,
  subject: SeriesSubject,
  plan: SeriesPlan,
): Promise<SeriesPoint[]> {
  const rows: BucketRow[] = await values
    .createQueryBuilder('v')
    .select(bucketOf(dialect, 'v.ts'), 'b')
    .addSelect('MIN(v.value)', 'min')
    .addSelect('MAX(v.value)', 'max')
    .addSelect('SUM(v.value)', 'sum')
    .addSelect('COUNT(*)', 'count')
    .where('v.deviceId = :id AND v.type = :type AND v.ts >= :from AND v.ts < :to')
    .setParameters({ ...subject, from: plan.from, to: plan.to, bucketSeconds: plan.bucketSeconds })
    .groupBy('b')
    .orderBy('b', 'ASC')
    .getRawMany();
  return toPoints(plan, rows);
}

/** Buckets of whole hours merged from the hourly roll-ups: one row per hour, whatever the rate. */
export async function rollupSeriesPoints(
  rollups: Repository<ReadingRollup>,
  dialect: Dialect,
  subject: SeriesSubject,
  plan: SeriesPlan,
): Promise<SeriesPoint[]> {
  const rows: BucketRow[] = await rollups
    .createQueryBuilder('r')
    .select(bucketOf(dialect, 'r.hour'), 'b')
    .addSelect('MIN(r.min)', 'min')
    .addSelect('MAX(r.max)', 'max')
    .addSelect('SUM(r.sum)', 'sum')
    .addSelect('SUM(r.count)', 'count')
    .where('r.deviceId = :id AND r.type = :type AND r.hour >= :from AND r.hour < :to')
    .setParameters({ ...subject, from: plan.from, to: plan.to, bucketSeconds: plan.bucketSeconds })
    .groupBy('b')
    .orderBy('b', 'ASC')
    .getRawMany();
  return toPoints(plan, rows);
}
