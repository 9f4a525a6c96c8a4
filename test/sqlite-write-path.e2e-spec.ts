import { statSync } from 'node:fs';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { SQLITE_CACHE_KIB } from '../src/database/database.module.js';
import { TransactionRunner } from '../src/database/transaction-runner.js';
import { BACKSTOP_PAGES, WalCheckpointer } from '../src/database/wal-checkpointer.js';
import { insertReadings } from '../src/readings/reading-inserts.js';
import { readingDoc } from './helpers/readings.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { testDatabaseServerUrl } from './helpers/test-database.js';
import { until } from './helpers/wait.js';

// SQLite only: PostgreSQL checkpoints by itself.
const onSqlite = testDatabaseServerUrl() ? describe.skip : describe;

onSqlite('the SQLite write path', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it("commits with a full sync and keeps a transaction's pages and undo pages in memory", async () => {
    const pragma = async (name: string) =>
      Object.values((await t.app.get(DataSource).query(`PRAGMA ${name}`))[0])[0];
    expect(await pragma('synchronous')).toBe(2); // FULL
    expect(await pragma('cache_size')).toBe(-SQLITE_CACHE_KIB);
    expect(await pragma('temp_store')).toBe(2); // MEMORY
  });

  it('leaves the writer only a backstop and copies the log into the database file itself', async () => {
    const [{ wal_autocheckpoint: backstop }] = await t.app
      .get(DataSource)
      .query('PRAGMA wal_autocheckpoint');
    expect(backstop).toBe(BACKSTOP_PAGES);

    const fileBefore = statSync(t.config.databasePath).size;
    const docs = Array.from({ length: 2000 }, (_, i) =>
      readingDoc({ id: `wal ${i % 20}`, ts: 1700000000 + i }),
    );
    for (const half of [docs.slice(0, 1000), docs.slice(1000)]) {
      await request(t.url).post('/api/readings/batch').send(half).expect(201);
    }

    const checkpointer = t.app.get(WalCheckpointer);
    // A checkpoint that found the batch's pages in the log and copied every one of them.
    await until(
      () =>
        (checkpointer.last?.log ?? 0) > 0 &&
        checkpointer.last?.checkpointed === checkpointer.last?.log,
      5000,
      'a checkpoint of the whole log',
    );
    expect(statSync(t.config.databasePath).size).toBeGreaterThan(fileBefore);
    const [{ n }] = await t.app
      .get(DataSource)
      .query(`SELECT COUNT(*) AS n FROM sensor_value WHERE device_id = 'wal 3'`);
    expect(n).toBe(200);
  });

  it('numbers readings itself, and numbers them again after one was stored behind its back', async () => {
    const post = async (id: string) =>
      (await request(t.url).post('/receive-json').send(readingDoc({ id })).expect(201)).body;
    const first = await post('numbered 1');
    // stored by another path: it takes the id the writer would have given next
    const tx = t.app.get(TransactionRunner);
    const [aside] = await tx.run((manager) =>
      insertReadings(manager, tx, [
        {
          reading: {
            id: 'numbered aside',
            ts: 1673049150,
            pct: null,
            sensors: [{ type: 'CO', val: 12 }],
          },
          origin: { source: 'http', gateway: null },
          receivedAt: Date.now() / 1000,
        },
      ]),
    );
    expect(aside.readingId).toBe(first.readingId + 1);
    const [second, third] = [await post('numbered 2'), await post('numbered 3')];
    expect([second.readingId, third.readingId]).toEqual([aside.readingId + 1, aside.readingId + 2]);
    const stored = await t.app
      .get(DataSource)
      .query(`SELECT id, device_id FROM sensor_data WHERE device_id LIKE 'numbered%' ORDER BY id`);
    expect(stored).toEqual([
      { id: first.readingId, device_id: 'numbered 1' },
      { id: aside.readingId, device_id: 'numbered aside' },
      { id: second.readingId, device_id: 'numbered 2' },
      { id: third.readingId, device_id: 'numbered 3' },
    ]);
  });
});
