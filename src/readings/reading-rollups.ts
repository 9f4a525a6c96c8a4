import type { EntityManager } from 'typeorm';
import { upsertRows } from '../database/insert-rows.js';
import type { Dialect, TransactionRunner } from '../database/transaction-runner.js';
import type { StoredReading } from './reading.js';

export const HOUR_SECONDS = 3600;

/** One (device, type, hour) of a batch, to be merged into reading_rollup. */
export interface RollupRow {
  deviceId: string;
  type: string;
  hour: number;
  min: number;
  max: number;
  sum: number;
  count: number;
}

export const ROLLUP_COLUMNS = ['device_id', 'type', 'hour', 'min', 'max', 'sum', 'count'];

/** Start of the UTC hour holding `ts`; the migration computes the same in SQL. */
export function hourOf(ts: number): number {
  return Math.floor(ts / HOUR_SECONDS) * HOUR_SECONDS;
}

function byKey(a: RollupRow, b: RollupRow): number {
  if (a.deviceId !== b.deviceId) {
    return a.deviceId < b.deviceId ? -1 : 1;
  }
  if (a.type !== b.type) {
    return a.type < b.type ? -1 : 1;
  }
  return a.hour - b.hour;
}

/**
 * The batch's sensor values folded per (device, type, hour), in key order: every transaction
 * then locks roll-up rows in the same order, so two instances writing at once on PostgreSQL
 * wait for each other instead of deadlocking.
 */
export function rollUp(readings: StoredReading[]): RollupRow[] {
  // device → type → hour: nothing is allocated for a value whose row already exists
  const byDevice = new Map<string, Map<string, Map<number, RollupRow>>>();
  const rows: RollupRow[] = [];
  for (const reading of readings) {
    const hour = hourOf(reading.ts);
    let byType = byDevice.get(reading.id);
    if (!byType) {
      byType = new Map();
      byDevice.set(reading.id, byType);
    }
    for (const { type, val } of reading.sensors) {
      let byHour = byType.get(type);
      if (!byHour) {
        byHour = new Map();
        byType.set(type, byHour);
      }
      const row = byHour.get(hour);
      if (row) {
        row.min = Math.min(row.min, val);
        row.max = Math.max(row.max, val);
        row.sum += val;
        row.count++;
      } else {
        const added = { deviceId: reading.id, type, hour, min: val, max: val, sum: val, count: 1 };
        byHour.set(hour, added);
        rows.push(added);
      }
    }
  }
  return rows.sort(byKey);
}

/** The clause that merges a batch's row into the stored one of the same device, type and hour. */
export function rollupConflict(dialect: Dialect): string {
  // SQLite's two-argument min/max are scalar functions; PostgreSQL spells them LEAST/GREATEST.
  const [least, greatest] = dialect === 'postgres' ? ['LEAST', 'GREATEST'] : ['min', 'max'];
  return `ON CONFLICT (device_id, type, hour) DO UPDATE SET
    min = ${least}(reading_rollup.min, excluded.min),
    max = ${greatest}(reading_rollup.max, excluded.max),
    sum = reading_rollup.sum + excluded.sum,
    count = reading_rollup.count + excluded.count`;
}

/** The batch's roll-up rows, in ROLLUP_COLUMNS order. */
export function rollupRows(readings: StoredReading[]): unknown[][] {
  return rollUp(readings).map((r) => [r.deviceId, r.type, r.hour, r.min, r.max, r.sum, r.count]);
}

/** Adds the batch's values to the hourly roll-ups, inside the transaction that stores them. */
export async function upsertRollups(
  manager: EntityManager,
  tx: TransactionRunner,
  readings: StoredReading[],
): Promise<void> {
  await upsertRows(
    manager,
    tx,
    'reading_rollup',
    ROLLUP_COLUMNS,
    rollupRows(readings),
    rollupConflict(tx.dialect),
  );
}
