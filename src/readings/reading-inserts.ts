import type { EntityManager } from 'typeorm';
import type { TransactionRunner } from '../database/transaction-runner.js';
import type { ReadingInput, ReadingOrigin, StoredReading } from './reading.js';

/** A document with where and when it arrived, ready to insert. */
export interface PendingReading {
  reading: ReadingInput;
  origin: ReadingOrigin;
  receivedAt: number;
}

// Rows per INSERT statement: 400 × 7 parameters stays far below both engines' limits.
const ROWS_PER_STATEMENT = 400;

const READING_COLUMNS = 'device_id, ts, pct, sensors, received_at, source, gateway';
const VALUE_COLUMNS = 'reading_id, idx, device_id, type, ts, value';

function valuesClause(tx: TransactionRunner, rows: number, columns: number): string {
  const tuples: string[] = [];
  for (let r = 0; r < rows; r++) {
    const cells = Array.from({ length: columns }, (_, c) => tx.param(r * columns + c + 1));
    tuples.push(`(${cells.join(', ')})`);
  }
  return tuples.join(', ');
}

/** Inserts one chunk of readings and returns their ids in input order. */
async function insertChunk(
  manager: EntityManager,
  tx: TransactionRunner,
  chunk: PendingReading[],
): Promise<number[]> {
  const params = chunk.flatMap(({ reading, origin, receivedAt }) => [
    reading.id,
    reading.ts,
    reading.pct,
    JSON.stringify(reading.sensors),
    receivedAt,
    origin.source,
    origin.gateway,
  ]);
  const sql = `INSERT INTO sensor_data (${READING_COLUMNS}) VALUES ${valuesClause(tx, chunk.length, 7)}`;
  if (tx.dialect === 'postgres') {
    const rows: { id: number }[] = await manager.query(`${sql} RETURNING id`, params);
    // One statement draws its ids from the sequence in row order, so sorted ids match the input.
    return rows.map((row) => Number(row.id)).sort((a, b) => a - b);
  }
  // SQLite gives the rows of one INSERT consecutive rowids while it holds the write lock;
  // TypeORM answers an INSERT with the last one.
  const lastId = Number(await manager.query(sql, params));
  return chunk.map((_, i) => lastId - chunk.length + 1 + i);
}

async function insertValues(
  manager: EntityManager,
  tx: TransactionRunner,
  stored: StoredReading[],
): Promise<void> {
  const rows = stored.flatMap((r) =>
    r.sensors.map((sensor, idx) => [r.readingId, idx, r.id, sensor.type, r.ts, sensor.val]),
  );
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(start, start + ROWS_PER_STATEMENT);
    const sql = `INSERT INTO sensor_value (${VALUE_COLUMNS}) VALUES ${valuesClause(tx, chunk.length, 6)}`;
    await manager.query(sql, chunk.flat());
  }
}

/** Inserts readings and their sensor values inside the caller's transaction. */
export async function insertReadings(
  manager: EntityManager,
  tx: TransactionRunner,
  pending: PendingReading[],
): Promise<StoredReading[]> {
  const stored: StoredReading[] = [];
  for (let start = 0; start < pending.length; start += ROWS_PER_STATEMENT) {
    const chunk = pending.slice(start, start + ROWS_PER_STATEMENT);
    const ids = await insertChunk(manager, tx, chunk);
    chunk.forEach(({ reading, origin, receivedAt }, i) => {
      stored.push({
        readingId: ids[i],
        id: reading.id,
        ts: reading.ts,
        pct: reading.pct,
        sensors: reading.sensors,
        receivedAt,
        source: origin.source,
        gateway: origin.gateway,
      });
    });
  }
  await insertValues(manager, tx, stored);
  return stored;
}
