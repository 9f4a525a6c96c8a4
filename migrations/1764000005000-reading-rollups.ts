import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hourly roll-ups per device and sensor type (SPEC 10.3), built here for the readings already
 * stored; from then on the write path keeps them in the transaction of each reading. On SQLite
 * the table is WITHOUT ROWID: the primary key is the only index it needs, so it is stored once.
 */
export class ReadingRollups1764000005000 implements MigrationInterface {
  name = 'ReadingRollups1764000005000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const pg = queryRunner.connection.options.type === 'postgres';
    await queryRunner.query(`CREATE TABLE reading_rollup (
      device_id VARCHAR(128) NOT NULL,
      type VARCHAR(32) NOT NULL,
      hour BIGINT NOT NULL,
      min DOUBLE PRECISION NOT NULL,
      max DOUBLE PRECISION NOT NULL,
      sum DOUBLE PRECISION NOT NULL,
      count INTEGER NOT NULL,
      PRIMARY KEY (device_id, type, hour)
    )${pg ? '' : ' WITHOUT ROWID'}`);
    // The start of the UTC hour, as hourOf() computes it; ts is never negative (2000 or later),
    // so SQLite's truncating CAST is a floor.
    const hour = pg
      ? 'CAST(FLOOR(ts / 3600) * 3600 AS BIGINT)'
      : 'CAST(ts / 3600 AS INTEGER) * 3600';
    await queryRunner.query(`INSERT INTO reading_rollup (device_id, type, hour, min, max, sum, count)
      SELECT device_id, type, ${hour}, MIN(value), MAX(value), SUM(value), COUNT(*)
      FROM sensor_value
      GROUP BY device_id, type, ${hour}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE reading_rollup`);
  }
}
