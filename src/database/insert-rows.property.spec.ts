import fc from 'fast-check';
import sqlite3 from 'sqlite3';
import { DataSource } from 'typeorm';
import { exactReal } from './exact-real.js';
import { insertRows, sqliteInsertSql, upsertRows } from './insert-rows.js';
import { TransactionRunner } from './transaction-runner.js';

const COLUMNS = ['k', 'label', 'real', 'whole', 'maybe'];
const TABLE = `(k INTEGER PRIMARY KEY, label TEXT, real REAL NOT NULL, whole INTEGER NOT NULL, maybe REAL NULL)`;

/** Any finite double, small and huge, subnormal and negative. */
const real = fc.double({ noNaN: true, noDefaultInfinity: true });
const rows = fc.array(
  fc.tuple(
    // any text but NUL (refused below), lone surrogates included
    fc.string({ unit: 'binary', maxLength: 40 }).filter((text) => !text.includes('\u0000')),
    real,
    fc.maxSafeInteger(),
    fc.option(real, { nil: null }),
  ),
  { minLength: 1, maxLength: 60 },
);

describe('exactReal', () => {
  it('splits every finite double into an integer mantissa and a power of two that give it back', () => {
    fc.assert(
      fc.property(real, (value) => {
        const [mantissa, exponent] = exactReal(value);
        expect(Number.isSafeInteger(mantissa)).toBe(true);
        expect(Number.isInteger(exponent)).toBe(true);
        expect((mantissa as number) * 2 ** exponent).toBe(value);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('insertRows on SQLite (one JSON parameter per statement)', () => {
  let db: DataSource;
  let tx: TransactionRunner;
  let next = 1;

  beforeAll(async () => {
    db = new DataSource({
      type: 'sqlite',
      database: ':memory:',
      driver: { ...sqlite3, verbose: () => sqlite3 },
    });
    await db.initialize();
    tx = new TransactionRunner(db);
    await db.query(`CREATE TABLE stored ${TABLE}`);
    await db.query(`CREATE TABLE reference ${TABLE}`);
  });

  afterAll(async () => {
    await db.destroy();
  });

  /** The same rows through one bound parameter per value: what SQLite stores exactly. */
  async function insertBound(keyed: unknown[][]): Promise<void> {
    for (const row of keyed) {
      await db.query(`INSERT INTO reference (${COLUMNS.join(', ')}) VALUES (?, ?, ?, ?, ?)`, row);
    }
  }

  const read = (table: string, first: number) =>
    db.query(`SELECT * FROM ${table} WHERE k >= ? ORDER BY k`, [first]);

  it('stores every value exactly as a bound parameter would, and returns consecutive ids', async () => {
    await fc.assert(
      fc.asyncProperty(rows, async (generated) => {
        const first = next;
        const keyed = generated.map((row) => [next++, ...row]);
        const ids = await tx.run((manager) =>
          insertRows(manager, tx, 'stored', COLUMNS, keyed, true),
        );
        await insertBound(keyed);
        expect(ids).toEqual(keyed.map((row) => row[0]));
        const stored = await read('stored', first);
        expect(stored).toEqual(await read('reference', first));
        stored.forEach((row: { real: number }, i: number) =>
          expect(row.real).toBe(keyed[i][2] === 0 ? 0 : keyed[i][2]),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('stores the same through a script, its rows in an SQL literal (quotes, any text)', async () => {
    await fc.assert(
      fc.asyncProperty(rows, async (generated) => {
        const first = next;
        const keyed = generated.map((row) => [next++, ...row]);
        await tx.script(async () => [sqliteInsertSql('stored', COLUMNS, keyed)]);
        await insertBound(keyed);
        expect(await read('stored', first)).toEqual(await read('reference', first));
      }),
      { numRuns: 200 },
    );
  });

  it('leaves nothing of a script whose statement fails, and tells `failed` before the next turn', async () => {
    const k = next++;
    const failures: unknown[] = [];
    const script = tx.script(
      async () => [
        sqliteInsertSql('stored', COLUMNS, [[k, "it's", 1.5, 1, null]]),
        sqliteInsertSql('stored', COLUMNS, [[k, 'the same key', 2.5, 2, null]]),
      ],
      (error) => failures.push(error),
    );
    const after = tx.script(async () => {
      expect(failures).toHaveLength(1);
      return [];
    });
    await expect(script).rejects.toThrow('UNIQUE constraint failed');
    await after;
    expect(await read('stored', k)).toEqual([]);
  });

  it('refuses text holding a NUL, which SQLite JSON would cut short, instead of storing less', async () => {
    const row = [next++, 'before\u0000after', 1.5, 1, null];
    const literal = [next++, 'a backslash-u \\u0000 is text', 1.5, 1, null];
    await tx.run((manager) => insertRows(manager, tx, 'stored', COLUMNS, [literal]));
    expect(await read('stored', literal[0] as number)).toMatchObject([{ label: literal[1] }]);
    await expect(
      tx.run((manager) => insertRows(manager, tx, 'stored', COLUMNS, [row])),
    ).rejects.toThrow('text with a NUL character cannot be stored in stored');
  });

  it('stores an array value as the text JSON.stringify gives it (how readings keep their sensors)', async () => {
    await db.query(`CREATE TABLE docs (k INTEGER PRIMARY KEY, doc TEXT NOT NULL)`);
    const sensors = fc.array(
      fc.record({ type: fc.stringMatching(/^[A-Za-z0-9_.%-]{1,32}$/), val: real }),
      { minLength: 1, maxLength: 64 },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(sensors, { minLength: 1, maxLength: 20 }), async (docs) => {
        const first = next;
        const keyed = docs.map((doc) => [next++, doc]);
        await tx.script(async () => [sqliteInsertSql('docs', ['k', 'doc'], keyed)]);
        const stored: { doc: string }[] = await db.query(
          'SELECT doc FROM docs WHERE k >= ? ORDER BY k',
          [first],
        );
        expect(stored.map(({ doc }) => doc)).toEqual(docs.map((doc) => JSON.stringify(doc)));
      }),
      { numRuns: 300 },
    );
  });

  it('upserts with an ON CONFLICT clause after the JSON select', async () => {
    await db.query(`CREATE TABLE totals (k TEXT PRIMARY KEY, sum REAL NOT NULL)`);
    const upsert = (values: unknown[][]) =>
      tx.run((manager) =>
        upsertRows(
          manager,
          tx,
          'totals',
          ['k', 'sum'],
          values,
          'ON CONFLICT (k) DO UPDATE SET sum = totals.sum + excluded.sum',
        ),
      );
    await upsert([
      ['a', 0.1],
      ['b', 2],
    ]);
    await upsert([['a', 0.2]]);
    expect(await db.query(`SELECT k, sum FROM totals ORDER BY k`)).toEqual([
      { k: 'a', sum: 0.1 + 0.2 },
      { k: 'b', sum: 2 },
    ]);
  });
});
