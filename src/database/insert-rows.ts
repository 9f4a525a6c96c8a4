import type { EntityManager } from 'typeorm';
import type { TransactionRunner } from './transaction-runner.js';

// Rows per INSERT statement: 400 rows of up to 8 parameters stays far below both engines' limits.
const ROWS_PER_STATEMENT = 400;

function valuesClause(tx: TransactionRunner, rows: number, columns: number): string {
  const tuples: string[] = [];
  for (let r = 0; r < rows; r++) {
    const cells = Array.from({ length: columns }, (_, c) => tx.param(r * columns + c + 1));
    tuples.push(`(${cells.join(', ')})`);
  }
  return tuples.join(', ');
}

async function insertChunk(
  manager: EntityManager,
  tx: TransactionRunner,
  sql: string,
  rows: unknown[][],
  withIds: boolean,
): Promise<number[]> {
  const params = rows.flat();
  if (!withIds) {
    await manager.query(sql, params);
    return [];
  }
  if (tx.dialect === 'postgres') {
    const returned: { id: number }[] = await manager.query(`${sql} RETURNING id`, params);
    // One statement draws its ids from the sequence in row order, so sorted ids match the input.
    return returned.map((row) => Number(row.id)).sort((a, b) => a - b);
  }
  // SQLite gives the rows of one INSERT consecutive rowids while it holds the write lock;
  // TypeORM answers an INSERT with the last one.
  const lastId = Number(await manager.query(sql, params));
  return rows.map((_, i) => lastId - rows.length + 1 + i);
}

/**
 * Multi-row INSERT of `rows` into `table`, in statements of a few hundred rows, inside the
 * caller's transaction. With `withIds`, returns the generated ids in row order.
 */
export async function insertRows(
  manager: EntityManager,
  tx: TransactionRunner,
  table: string,
  columns: string[],
  rows: unknown[][],
  withIds = false,
): Promise<number[]> {
  const ids: number[] = [];
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(start, start + ROWS_PER_STATEMENT);
    const sql = `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${valuesClause(tx, chunk.length, columns.length)}`;
    ids.push(...(await insertChunk(manager, tx, sql, chunk, withIds)));
  }
  return ids;
}
