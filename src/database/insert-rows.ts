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

function insertSql(tx: TransactionRunner, table: string, columns: string[], rows: number): string {
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${valuesClause(tx, rows, columns.length)}`;
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
    const sql = insertSql(tx, table, columns, chunk.length);
    ids.push(...(await insertChunk(manager, tx, sql, chunk, withIds)));
  }
  return ids;
}

/**
 * Multi-row INSERT … `onConflict` (an `ON CONFLICT … DO UPDATE` clause) in statements of a few
 * hundred rows. PostgreSQL refuses a statement that updates one row twice, so keys are unique.
 */
export async function upsertRows(
  manager: EntityManager,
  tx: TransactionRunner,
  table: string,
  columns: string[],
  rows: unknown[][],
  onConflict: string,
): Promise<void> {
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(start, start + ROWS_PER_STATEMENT);
    await manager.query(
      `${insertSql(tx, table, columns, chunk.length)} ${onConflict}`,
      chunk.flat(),
    );
  }
}
