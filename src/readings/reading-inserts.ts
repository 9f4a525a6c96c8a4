import type { EntityManager } from 'typeorm';
import { EXACT_REAL_SQL, exactReal } from '../database/exact-real.js';
import { insertRows, sqliteInsertSql, sqlText } from '../database/insert-rows.js';
import type { TransactionRunner } from '../database/transaction-runner.js';
import type { ReadingInput, ReadingOrigin, StoredReading } from './reading.js';
import { ROLLUP_COLUMNS, rollupConflict, rollupRows, upsertRollups } from './reading-rollups.js';

/** A document with where and when it arrived, ready to insert. */
export interface PendingReading {
  reading: ReadingInput;
  origin: ReadingOrigin;
  receivedAt: number;
}

const READING_COLUMNS = ['device_id', 'ts', 'pct', 'sensors', 'received_at', 'source', 'gateway'];
const VALUE_COLUMNS = ['reading_id', 'idx', 'device_id', 'type', 'ts', 'value'];

/**
 * A sensor_data row in READING_COLUMNS order, with `sensors` as given: its JSON text, or on
 * SQLite's script path the array itself, whose text SQLite writes (`->>` answers an array as the
 * minified JSON that JSON.stringify gives), which spares a stringify per reading whose quotes
 * the statement would then escape again.
 */
function readingRow({ reading, origin, receivedAt }: PendingReading, sensors: unknown): unknown[] {
  return [reading.id, reading.ts, reading.pct, sensors, receivedAt, origin.source, origin.gateway];
}

function storedReadings(pending: PendingReading[], ids: number[]): StoredReading[] {
  return pending.map(({ reading, origin, receivedAt }, i) => ({
    readingId: ids[i],
    id: reading.id,
    ts: reading.ts,
    pct: reading.pct,
    sensors: reading.sensors,
    receivedAt,
    source: origin.source,
    gateway: origin.gateway,
  }));
}

/** The sensor_value rows of `stored`, in VALUE_COLUMNS order. */
function valueRows(stored: StoredReading[]): unknown[][] {
  return stored.flatMap((r) =>
    r.sensors.map((sensor, idx) => [r.readingId, idx, r.id, sensor.type, r.ts, sensor.val]),
  );
}

/**
 * Inserts readings, their sensor values and their share of the hourly roll-ups inside the
 * caller's transaction, so a committed reading is always counted in its roll-up.
 */
export async function insertReadings(
  manager: EntityManager,
  tx: TransactionRunner,
  pending: PendingReading[],
): Promise<StoredReading[]> {
  const rows = pending.map((p) => readingRow(p, JSON.stringify(p.reading.sensors)));
  const ids = await insertRows(manager, tx, 'sensor_data', READING_COLUMNS, rows, true);
  const stored = storedReadings(pending, ids);
  await insertRows(manager, tx, 'sensor_value', VALUE_COLUMNS, valueRows(stored));
  await upsertRollups(manager, tx, stored);
  return stored;
}

/**
 * SQLite: the sensor_value rows of readings numbered from `firstId`, inserted after their
 * sensor_data rows. Each reading's values travel as `[type, val]` (`[type, mantissa, exponent]`
 * for a val that is not a safe integer, see exactReal), and the device and time come from the
 * reading's own row: a third of the transaction's text and of the work of writing it, against
 * a look-up by primary key per reading. Types never hold a quote or a NUL (validation).
 */
function sqliteValuesSql(pending: PendingReading[], firstId: number): string {
  const values = pending.map(({ reading }) =>
    reading.sensors.map(({ type, val }) =>
      Number.isSafeInteger(val) ? [type, val] : [type, ...exactReal(val)],
    ),
  );
  const value = EXACT_REAL_SQL('v.value->>1', 'coalesce(v.value->>2, 0)');
  return `INSERT INTO sensor_value (reading_id, idx, device_id, type, ts, value)
    SELECT d.id, v.key, d.device_id, v.value->>0, d.ts, ${value}
    FROM json_each(${sqlText(JSON.stringify(values))}) r
    JOIN sensor_data d ON d.id = ${firstId} + r.key, json_each(r.value) v WHERE true`;
}

/**
 * SQLite: the same three statements as insertReadings, for readings numbered from `firstId`,
 * with their rows in the SQL itself: for TransactionRunner.script, which sends the whole
 * transaction to the database at once.
 */
export function readingScript(
  pending: PendingReading[],
  firstId: number,
): { statements: string[]; stored: StoredReading[] } {
  const ids = pending.map((_, i) => firstId + i);
  const stored = storedReadings(pending, ids);
  const rows = pending.map((p, i) => [ids[i], ...readingRow(p, p.reading.sensors)]);
  return {
    stored,
    statements: [
      sqliteInsertSql('sensor_data', ['id', ...READING_COLUMNS], rows),
      sqliteValuesSql(pending, firstId),
      sqliteInsertSql(
        'reading_rollup',
        ROLLUP_COLUMNS,
        rollupRows(stored),
        rollupConflict('sqlite'),
      ),
    ],
  };
}
