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
 * Deletes up to `limit` of the oldest readings stamped before `cutoff` and answers how many.
 * Their sensor values go with them (ON DELETE CASCADE; TypeORM turns SQLite's foreign keys on);
 * roll-ups stay. On PostgreSQL, SKIP LOCKED lets two instances deleting at once take different
 * readings instead of waiting on, or deadlocking with, each other.
 */
export async function deleteReadingsBefore(
  manager: EntityManager,
  dialect: Dialect,
  cutoff: number,
  limit: number,
): Promise<number> {
  const oldest =
    dialect === 'postgres'
      ? 'SELECT id FROM sensor_data WHERE ts < $1 ORDER BY ts, id LIMIT $2 FOR UPDATE SKIP LOCKED'
      : 'SELECT id FROM sensor_data WHERE ts < ? ORDER BY ts, id LIMIT ?';
  const runner = manager.queryRunner;
  if (!runner) {
    throw new Error('deleteReadingsBefore runs inside a transaction');
  }
  // The structured result is the only way both drivers report how many rows a DELETE removed.
  const result = await runner.query(
    `DELETE FROM sensor_data WHERE id IN (${oldest})`,
    [cutoff, limit],
    true,
  );
  return result.affected ?? 0;
}

/** The next chunk size: aimed at TARGET_MS a transaction, at most doubling, within bounds. */
export function nextChunkSize(size: number, elapsedMs: number): number {
  const aimed = elapsedMs > 0 ? Math.round((size * TARGET_MS) / elapsedMs) : MAX_CHUNK;
  return Math.max(MIN_CHUNK, Math.min(MAX_CHUNK, size * 2, aimed));
}
