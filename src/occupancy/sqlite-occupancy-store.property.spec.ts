import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { TransactionRunner } from '../database/transaction-runner.js';
import { typeormOptions } from '../database/typeorm-options.js';
import {
  commandAction,
  connectionAction,
  correctionAction,
  dailyResetAction,
  type FacilityAction,
} from './facility-actions.js';
import { type ActionResult, applyActions } from './occupancy-writes.js';
import { SqliteOccupancyStore } from './sqlite-occupancy-store.js';

const DAY_MS = 86400000;
const START_MS = Date.UTC(2026, 0, 1, 6);

const device = fc.option(fc.stringMatching(/^[a-z0-9' -]{1,12}$/), { nil: null });
const action: fc.Arbitrary<FacilityAction> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(
        fc.constantFrom(
          'PersonEntered',
          'PersonExited',
          'SafetySystem_Active',
          'EntrySystem_Active',
        ),
        device,
      )
      .map(([name, id]) => commandAction(name, id)),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.stringMatching(/^[a-z0-9-]{1,12}$/), fc.boolean())
      .map(([id, on]) => connectionAction(id, on)),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.nat(50), fc.string({ maxLength: 20 }))
      .map(([n, why]) => correctionAction(n, why)),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: -1, max: 3 }), fc.option(fc.integer({ min: 0, max: 4 * 86400 })))
      .map(([day, stale]) =>
        dailyResetAction(
          new Date(START_MS + day * DAY_MS).toISOString().slice(0, 10),
          stale === null ? undefined : START_MS / 1000 + stale,
        ),
      ),
  },
);
/** Groups of actions, each committed at its own moment, moving over a few days. */
const groups = fc.array(
  fc.record({
    actions: fc.array(action, { minLength: 1, maxLength: 8 }),
    advanceMs: fc.integer({ min: 0, max: DAY_MS / 2 }),
  }),
  { minLength: 1, maxLength: 12 },
);

async function database(): Promise<DataSource> {
  const db = new DataSource(typeormOptions({ databasePath: ':memory:' }));
  await db.initialize();
  await db.runMigrations();
  return db;
}

describe('SqliteOccupancyStore (one script per transaction)', () => {
  let scripted: DataSource;
  let reference: DataSource;

  beforeAll(async () => {
    [scripted, reference] = await Promise.all([database(), database()]);
  });

  afterAll(async () => {
    await Promise.all([scripted.destroy(), reference.destroy()]);
  });

  it('answers and stores what the statement-by-statement transaction does, exactly', async () => {
    const store = new SqliteOccupancyStore(new TransactionRunner(scripted), scripted.manager);
    const tx = new TransactionRunner(reference);
    let nowMs = START_MS;
    await fc.assert(
      fc.asyncProperty(groups, async (run) => {
        for (const { actions, advanceMs } of run) {
          nowMs += advanceMs + 0.5; // times with a fraction of a millisecond, as Date.now() can not
          const copy = structuredClone(actions);
          const got: ActionResult[] = await store.apply(actions, nowMs);
          const want = await tx.run((manager) => applyActions(manager, tx, copy, nowMs));
          expect(got).toEqual(want);
        }
        const table = 'SELECT * FROM occupancy; SELECT * FROM activity_log ORDER BY id';
        for (const sql of table.split('; ')) {
          expect(await scripted.query(sql)).toEqual(await reference.query(sql));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('keeps nothing of a transaction it could not write', async () => {
    const store = new SqliteOccupancyStore(new TransactionRunner(scripted), scripted.manager);
    const [{ count }] = await scripted.query('SELECT count FROM occupancy');
    // a NUL cannot travel in SQLite's JSON: the statement is refused before it is sent
    await expect(
      store.apply([correctionAction(count + 5, 'bad\0reason')], START_MS),
    ).rejects.toThrow(RangeError);
    const [result] = await store.apply([commandAction('PersonEntered', 'door')], START_MS);
    expect(result?.entry.occupancy).toBe(count + 1);
  });

  it('reads the row and the ids again after a transaction that failed', async () => {
    const store = new SqliteOccupancyStore(new TransactionRunner(scripted), scripted.manager);
    await store.apply([commandAction('PersonEntered', 'door')], START_MS);
    const [{ count }] = await scripted.query('SELECT count FROM occupancy');
    // another writer (a manual fix) changes the row and takes the next id behind its back
    await scripted.query('UPDATE occupancy SET count = count + 10');
    const [{ id }] = await scripted.query('SELECT MAX(id) AS id FROM activity_log');
    await scripted.query(
      `INSERT INTO activity_log (id, at, device_id, command, text, occupancy) VALUES (${id + 1}, 0, NULL, 'x', 'x', 0)`,
    );
    // the id it counted on is taken: the transaction fails, then runs again on fresh reads
    const [result] = await store.apply([commandAction('PersonEntered', 'door')], START_MS);
    expect(result?.entry).toMatchObject({ id: id + 2, occupancy: count + 11 });
  });
});
