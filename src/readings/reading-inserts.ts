import type { EntityManager } from 'typeorm';
import { insertRows } from '../database/insert-rows.js';
import type { TransactionRunner } from '../database/transaction-runner.js';
import type { ReadingInput, ReadingOrigin, StoredReading } from './reading.js';
import { upsertRollups } from './reading-rollups.js';

/** A document with where and when it arrived, ready to insert. */
export interface PendingReading {
  reading: ReadingInput;
  origin: ReadingOrigin;
  receivedAt: number;
}

const READING_COLUMNS = ['device_id', 'ts', 'pct', 'sensors', 'received_at', 'source', 'gateway'];
const VALUE_COLUMNS = ['reading_id', 'idx', 'device_id', 'type', 'ts', 'value'];

/**
 * Inserts readings, their sensor values and their share of the hourly roll-ups inside the
 * caller's transaction, so a committed reading is always counted in its roll-up.
 */
export async function insertReadings(
  manager: EntityManager,
  tx: TransactionRunner,
  pending: PendingReading[],
): Promise<StoredReading[]> {
  const readingRows = pending.map(({ reading, origin, receivedAt }) => [
    reading.id,
    reading.ts,
    reading.pct,
    JSON.stringify(reading.sensors),
    receivedAt,
    origin.source,
    origin.gateway,
  ]);
  const ids = await insertRows(manager, tx, 'sensor_data', READING_COLUMNS, readingRows, true);
  const stored: StoredReading[] = pending.map(({ reading, origin, receivedAt }, i) => ({
    readingId: ids[i],
    id: reading.id,
    ts: reading.ts,
    pct: reading.pct,
    sensors: reading.sensors,
    receivedAt,
    source: origin.source,
    gateway: origin.gateway,
  }));
  const valueRows = stored.flatMap((r) =>
    r.sensors.map((sensor, idx) => [r.readingId, idx, r.id, sensor.type, r.ts, sensor.val]),
  );
  await insertRows(manager, tx, 'sensor_value', VALUE_COLUMNS, valueRows);
  await upsertRollups(manager, tx, stored);
  return stored;
}
