import { DataSource } from 'typeorm';
import { ClusteredSensorValues1764000008000 } from '../migrations/1764000008000-clustered-sensor-values.js';
import { insertRows } from '../src/database/insert-rows.js';
import { TransactionRunner } from '../src/database/transaction-runner.js';
import { MIGRATIONS, typeormOptions } from '../src/database/typeorm-options.js';
import { freshDatabase } from './helpers/rollups.js';

const VALUES = `SELECT reading_id, idx, device_id, type, ts, value FROM sensor_value
  ORDER BY reading_id, idx`;

/** Readings and their values written as the tables stood before the migration. */
async function storeReadings(db: DataSource): Promise<void> {
  const tx = new TransactionRunner(db);
  await tx.run(async (manager) => {
    const docs = Array.from({ length: 50 }, (_, i) => ({
      id: `device ${i % 4}`,
      ts: 1700000000 + i * 0.25,
      sensors: [
        { type: 'CO', val: i / 3 },
        { type: 'CO', val: -i },
        { type: 'H2S', val: 1e-9 * i },
      ],
    }));
    const rows = docs.map((d) => [d.id, d.ts, JSON.stringify(d.sensors), d.ts, 'http']);
    const columns = ['device_id', 'ts', 'sensors', 'received_at', 'source'];
    const ids = await insertRows(manager, tx, 'sensor_data', columns, rows, true);
    const values = docs.flatMap((d, i) =>
      d.sensors.map((s, idx) => [ids[i], idx, d.id, s.type, d.ts, s.val]),
    );
    const valueColumns = ['reading_id', 'idx', 'device_id', 'type', 'ts', 'value'];
    await insertRows(manager, tx, 'sensor_value', valueColumns, values);
  });
}

const normalized = (rows: Record<string, unknown>[]) =>
  rows.map((row) => ({ ...row, reading_id: Number(row.reading_id), idx: Number(row.idx) }));

describe(ClusteredSensorValues1764000008000.name, () => {
  it('keeps every stored value, up and back down', async () => {
    const database = await freshDatabase();
    const index = MIGRATIONS.indexOf(ClusteredSensorValues1764000008000);
    const options = typeormOptions(database.settings);
    const before = await new DataSource({
      ...options,
      migrations: MIGRATIONS.slice(0, index),
    }).initialize();
    const after = new DataSource(options);
    try {
      await before.runMigrations({ transaction: 'each' });
      await storeReadings(before);
      const stored = normalized(await before.query(VALUES));
      expect(stored).toHaveLength(150);
      await before.destroy();

      await after.initialize();
      await after.runMigrations({ transaction: 'each' });
      expect(normalized(await after.query(VALUES))).toEqual(stored);
      // the series of one device and type is one range of the key, in time order
      const series = await after.query(
        `SELECT ts FROM sensor_value WHERE device_id = 'device 1' AND type = 'CO' ORDER BY ts`,
      );
      expect(series).toHaveLength(26);

      await after.undoLastMigration({ transaction: 'each' });
      expect(normalized(await after.query(VALUES))).toEqual(stored);
      // down brings the cascade back: a deleted reading takes its values along
      await after.query(`DELETE FROM sensor_data WHERE device_id = 'device 0'`);
      expect(normalized(await after.query(VALUES))).toHaveLength(150 - 13 * 3);
    } finally {
      for (const db of [before, after]) {
        if (db.isInitialized) {
          await db.destroy();
        }
      }
      await database.drop();
    }
  });
});
