import type { EntityManager } from 'typeorm';
import { exactReal, EXACT_REAL_SQL } from './exact-real.js';
import type { TransactionRunner } from './transaction-runner.js';

// Rows per PostgreSQL INSERT: 400 rows of up to 8 parameters stays far below its limit.
const ROWS_PER_STATEMENT = 400;

/** How a column's values travel in SQLite's one JSON parameter. */
type JsonColumn = 'plain' | 'real';

function valuesClause(tx: TransactionRunner, rows: number, columns: number): string {
  const tuples: string[] = [];
  for (let r = 0; r < rows; r++) {
    const cells = Array.from({ length: columns }, (_, c) => tx.param(r * columns + c + 1));
    tuples.push(`(${cells.join(', ')})`);
  }
  return tuples.join(', ');
}

/** Numbers that are not all safe integers travel as exact reals; the rest as they are. */
function jsonColumns(rows: unknown[][], width: number): JsonColumn[] {
  return Array.from({ length: width }, (_, c) =>
    rows.some((row) => typeof row[c] === 'number' && !Number.isSafeInteger(row[c]))
      ? 'real'
      : 'plain',
  );
}

/**
 * SQLite: every row in one JSON array, spread by `json_each`. One short statement per table and
 * transaction instead of one long one per few hundred rows: SQLite compiles a multi-row VALUES
 * row by row and node-sqlite3 converts every parameter on the main thread, which halved batch
 * ingest. Answers the JSON and the INSERT with `source` (a parameter or a literal of the JSON)
 * as json_each's argument.
 */
function sqliteStatement(
  table: string,
  columns: string[],
  rows: unknown[][],
): { json: string; sql: (source: string) => string } {
  const kinds = jsonColumns(rows, columns.length);
  const cells = rows.map((row) => {
    const out: unknown[] = [];
    row.forEach((value, c) => {
      if (kinds[c] === 'real') {
        out.push(...exactReal(value as number | null));
        return;
      }
      // SQLite's JSON functions end text at a NUL; validated input never holds one.
      if (typeof value === 'string' && value.includes('\0')) {
        throw new RangeError(`text with a NUL character cannot be stored in ${table}`);
      }
      out.push(value);
    });
    return out;
  });
  let slot = 0;
  const selects = kinds.map((kind) => {
    const at = slot;
    slot += kind === 'real' ? 2 : 1;
    return kind === 'real' ? EXACT_REAL_SQL(`value->>${at}`, `value->>${at + 1}`) : `value->>${at}`;
  });
  // WHERE true: without it SQLite would read a following ON CONFLICT as a join constraint.
  return {
    json: JSON.stringify(cells),
    sql: (source) =>
      `INSERT INTO ${table} (${columns.join(', ')}) SELECT ${selects.join(', ')} FROM json_each(${source}) WHERE true`,
  };
}

/** `text` as an SQLite string literal. */
export function sqlText(text: string): string {
  // replaceAll copies even a text without a quote, and rows of readings seldom hold one: on a
  // statement of 100 KB and more that is a copy in V8's large-object space per statement
  return `'${text.includes("'") ? text.replaceAll("'", "''") : text}'`;
}

/**
 * SQLite: the multi-row INSERT of `rows` (with `suffix`, such as an ON CONFLICT clause) as one
 * statement that carries its rows in a literal, for a transaction sent to the database whole
 * (TransactionRunner.script).
 */
export function sqliteInsertSql(
  table: string,
  columns: string[],
  rows: unknown[][],
  suffix = '',
): string {
  const { json, sql } = sqliteStatement(table, columns, rows);
  // no trimEnd: it would copy the whole statement, rows and all, to drop one space
  return suffix ? `${sql(sqlText(json))} ${suffix}` : sql(sqlText(json));
}

async function insertPostgresChunk(
  manager: EntityManager,
  tx: TransactionRunner,
  sql: string,
  rows: unknown[][],
  withIds: boolean,
): Promise<number[]> {
  if (!withIds) {
    await manager.query(sql, rows.flat());
    return [];
  }
  const returned: { id: number }[] = await manager.query(`${sql} RETURNING id`, rows.flat());
  // One statement draws its ids from the sequence in row order, so sorted ids match the input.
  return returned.map((row) => Number(row.id)).sort((a, b) => a - b);
}

async function insertPostgres(
  manager: EntityManager,
  tx: TransactionRunner,
  table: string,
  columns: string[],
  rows: unknown[][],
  withIds: boolean,
  suffix = '',
): Promise<number[]> {
  const ids: number[] = [];
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(start, start + ROWS_PER_STATEMENT);
    const sql = `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${valuesClause(tx, chunk.length, columns.length)} ${suffix}`;
    ids.push(...(await insertPostgresChunk(manager, tx, sql, chunk, withIds)));
  }
  return ids;
}

/**
 * Multi-row INSERT of `rows` into `table` inside the caller's transaction. With `withIds`,
 * returns the generated ids in row order.
 */
export async function insertRows(
  manager: EntityManager,
  tx: TransactionRunner,
  table: string,
  columns: string[],
  rows: unknown[][],
  withIds = false,
): Promise<number[]> {
  if (rows.length === 0) {
    return [];
  }
  if (tx.dialect === 'postgres') {
    return insertPostgres(manager, tx, table, columns, rows, withIds);
  }
  const { json, sql } = sqliteStatement(table, columns, rows);
  // SQLite gives the rows of one INSERT consecutive rowids while it holds the write lock;
  // TypeORM answers an INSERT with the last one.
  const lastId = Number(await manager.query(sql('?'), [json]));
  return withIds ? rows.map((_, i) => lastId - rows.length + 1 + i) : [];
}

/**
 * Multi-row INSERT … `onConflict` (an `ON CONFLICT … DO UPDATE` clause). PostgreSQL refuses a
 * statement that updates one row twice, so keys are unique.
 */
export async function upsertRows(
  manager: EntityManager,
  tx: TransactionRunner,
  table: string,
  columns: string[],
  rows: unknown[][],
  onConflict: string,
): Promise<void> {
  if (rows.length === 0) {
    return;
  }
  if (tx.dialect === 'postgres') {
    await insertPostgres(manager, tx, table, columns, rows, false, onConflict);
    return;
  }
  const { json, sql } = sqliteStatement(table, columns, rows);
  await manager.query(`${sql('?')} ${onConflict}`, [json]);
}
