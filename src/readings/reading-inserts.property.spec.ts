import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { TransactionRunner } from '../database/transaction-runner.js';
import { typeormOptions } from '../database/typeorm-options.js';
import { insertReadings, type PendingReading, readingScript } from './reading-inserts.js';

/** Any finite double, small and huge, subnormal and negative. */
const real = fc.double({ noNaN: true, noDefaultInfinity: true });
const sensor = fc.record({
  type: fc.stringMatching(/^[A-Za-z0-9_.%-]{1,32}$/),
  val: fc.oneof(real, fc.integer({ min: -1000, max: 1000 })),
});
const reading = fc.record({
  id: fc.constantFrom('a', 'b', 'c'),
  ts: fc.double({ min: 946684800, max: 2e9, noNaN: true }),
  pct: fc.option(fc.double({ min: 0, max: 100, noNaN: true }), { nil: null }),
  sensors: fc.array(sensor, { minLength: 1, maxLength: 64 }),
});

describe('readingScript (SQLite, one script per transaction)', () => {
  let db: DataSource;
  let tx: TransactionRunner;
  let next = 1;

  beforeAll(async () => {
    db = new DataSource(typeormOptions({ databasePath: ':memory:' }));
    await db.initialize();
    await db.runMigrations();
    tx = new TransactionRunner(db);
  });

  afterAll(async () => {
    await db.destroy();
  });

  /** The batch's rows, devices renamed back from their path's prefix, in reading order. */
  async function rowsOf(prefix: string, ids: number[]) {
    const list = ids.join(', ');
    const unprefix = <T extends { device_id: string }>(rows: T[]) =>
      rows.map((row) => ({ ...row, device_id: row.device_id.slice(prefix.length) }));
    const position = (id: number) => ids.indexOf(id);
    const data: { id: number; device_id: string }[] = await db.query(
      `SELECT * FROM sensor_data WHERE id IN (${list}) ORDER BY id`,
    );
    const values: { reading_id: number; device_id: string }[] = await db.query(
      `SELECT * FROM sensor_value WHERE reading_id IN (${list}) ORDER BY reading_id, idx`,
    );
    const rollups: { device_id: string }[] = await db.query(
      `SELECT * FROM reading_rollup WHERE device_id LIKE '${prefix}%' ORDER BY device_id, type, hour`,
    );
    return {
      data: unprefix(data).map((row) => ({ ...row, id: position(row.id) })),
      values: unprefix(values).map((row) => ({ ...row, reading_id: position(row.reading_id) })),
      rollups: unprefix(rollups),
    };
  }

  it('stores what insertReadings stores: every reading, value and roll-up, exactly', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(reading, { minLength: 1, maxLength: 30 }), async (readings) => {
        const batch = `${next++}`;
        const pending = (prefix: string): PendingReading[] =>
          readings.map((r) => ({
            reading: { ...r, id: `${prefix}${batch}:${r.id}` },
            origin: { source: 'http', gateway: null },
            receivedAt: 1796000000.123,
          }));
        const [viaTypeorm, viaScript] = [`t${batch}:`, `s${batch}:`];
        const stored = await tx.run((manager) => insertReadings(manager, tx, pending(viaTypeorm)));
        const first = stored[stored.length - 1].readingId + 1;
        let scripted: number[] = [];
        await tx.script(async () => {
          const script = readingScript(pending(viaScript), first);
          scripted = script.stored.map((r) => r.readingId);
          return script.statements;
        });
        const expected = await rowsOf(
          `t${batch}:`,
          stored.map((r) => r.readingId),
        );
        const actual = await rowsOf(`s${batch}:`, scripted);
        expect(actual).toEqual(expected);
        expect(actual.values).toHaveLength(readings.flatMap((r) => r.sensors).length);
      }),
      { numRuns: 100 },
    );
  });
});
