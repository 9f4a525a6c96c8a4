import type { EntityManager } from 'typeorm';
import type { Dialect } from '../database/transaction-runner.js';

/** Readings deleted in the first transaction of a pass; later ones adapt to how long it took. */
export const FIRST_CHUNK = 1000;
const MIN_CHUNK = 100;
const MAX_CHUNK = 2000;
/**
 * What one delete transaction should take. On SQLite the ingest writer waits for it, and a
 * busy disk can make one take several times this, so it stays far below SPEC's 50 ms.
 */
const TARGET_MS = 10;

/**
 * Deletes up to `limit` of the oldest readings stamped before `cutoff`, with their sensor values,
 * and answers how many readings went; roll-ups stay. A value's key is its reading's device,
 * time and id with its own type and index, all read from the reading itself.
 */
export async function deleteReadingsBefore(
  manager: EntityManager,
  dialect: Dialect,
  cutoff: number,
  limit: number,
): Promise<number> {
  return dialect === 'postgres'
    ? deletePostgres(manager, cutoff, limit)
    : deleteSqlite(manager, cutoff, limit);
}

/**
 * SQLite: two deletes of the same chunk, the first of them a write, so the transaction takes
 * the write lock before it reads anything (a transaction that read first could not take it
 * after another instance's commit, and would fail at once instead of waiting its turn).
 */
async function deleteSqlite(
  manager: EntityManager,
  cutoff: number,
  limit: number,
): Promise<number> {
  const oldest = 'SELECT id FROM sensor_data WHERE ts < ? ORDER BY ts, id LIMIT ?';
  await manager.query(
    `DELETE FROM sensor_value WHERE (device_id, type, ts, reading_id, idx) IN (
      SELECT r.device_id, s.value->>'type', r.ts, r.id, s.key
        FROM sensor_data r, json_each(r.sensors) s
       WHERE r.id IN (${oldest}))`,
    [cutoff, limit],
  );
  return affected(manager, `DELETE FROM sensor_data WHERE id IN (${oldest})`, [cutoff, limit]);
}

/**
 * PostgreSQL: SKIP LOCKED lets two instances deleting at once take different readings instead
 * of waiting on, or deadlocking with, each other; the chunk is read once and locked.
 */
async function deletePostgres(
  manager: EntityManager,
  cutoff: number,
  limit: number,
): Promise<number> {
  const rows: { id: string | number }[] = await manager.query(
    'SELECT id FROM sensor_data WHERE ts < $1 ORDER BY ts, id LIMIT $2 FOR UPDATE SKIP LOCKED',
    [cutoff, limit],
  );
  const ids = rows.map((row) => Number(row.id));
  if (ids.length === 0) {
    return 0;
  }
  // The keys first, whole: joined to the values as they are read from the readings, the
  // planner matched values on device and time alone and scanned a device's every value per key.
  await manager.query(
    `WITH k AS MATERIALIZED (
       SELECT r.device_id, s.elem->>'type' AS type, r.ts, r.id, (s.n - 1)::smallint AS idx
         FROM sensor_data r, json_array_elements(r.sensors::json) WITH ORDINALITY AS s(elem, n)
        WHERE r.id = ANY($1::bigint[]))
     DELETE FROM sensor_value v USING k
      WHERE v.device_id = k.device_id AND v.type = k.type AND v.ts = k.ts
        AND v.reading_id = k.id AND v.idx = k.idx`,
    [ids],
  );
  return affected(manager, 'DELETE FROM sensor_data WHERE id = ANY($1::bigint[])', [ids]);
}

/** Rows a DELETE removed: the structured result is how both drivers report it. */
async function affected(manager: EntityManager, sql: string, params: unknown[]): Promise<number> {
  const runner = manager.queryRunner;
  if (!runner) {
    throw new Error('deleteReadingsBefore runs inside a transaction');
  }
  const result = await runner.query(sql, params, true);
  return result.affected ?? 0;
}

/** The next chunk size: aimed at TARGET_MS a transaction, at most doubling, within bounds. */
export function nextChunkSize(size: number, elapsedMs: number): number {
  const aimed = elapsedMs > 0 ? Math.round((size * TARGET_MS) / elapsedMs) : MAX_CHUNK;
  return Math.max(MIN_CHUNK, Math.min(MAX_CHUNK, size * 2, aimed));
}
