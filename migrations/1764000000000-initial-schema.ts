import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Readings, their sensor values and the activity log. Written by hand for both engines: SQLite
 * takes a covering index for series, PostgreSQL the same with INCLUDE and 64-bit ids.
 */
export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const pg = queryRunner.connection.options.type === 'postgres';
    const id = pg ? 'BIGSERIAL PRIMARY KEY' : 'INTEGER PRIMARY KEY';
    const ref = pg ? 'BIGINT' : 'INTEGER';
    const real = 'DOUBLE PRECISION';

    await queryRunner.query(`CREATE TABLE sensor_data (
      id ${id},
      device_id VARCHAR(128) NOT NULL,
      ts ${real} NOT NULL,
      pct ${real} NULL,
      sensors TEXT NOT NULL,
      received_at ${real} NOT NULL,
      source VARCHAR(8) NOT NULL,
      gateway INTEGER NULL
    )`);
    await queryRunner.query(`CREATE INDEX idx_sensor_data_ts ON sensor_data (ts, id)`);
    await queryRunner.query(
      `CREATE INDEX idx_sensor_data_device_ts ON sensor_data (device_id, ts, id)`,
    );

    await queryRunner.query(`CREATE TABLE sensor_value (
      reading_id ${ref} NOT NULL REFERENCES sensor_data (id) ON DELETE CASCADE,
      idx SMALLINT NOT NULL,
      device_id VARCHAR(128) NOT NULL,
      type VARCHAR(32) NOT NULL,
      ts ${real} NOT NULL,
      value ${real} NOT NULL,
      PRIMARY KEY (reading_id, idx)
    )`);
    await queryRunner.query(
      pg
        ? `CREATE INDEX idx_sensor_value_series ON sensor_value (device_id, type, ts) INCLUDE (value)`
        : `CREATE INDEX idx_sensor_value_series ON sensor_value (device_id, type, ts, value)`,
    );

    await queryRunner.query(`CREATE TABLE activity_log (
      id ${id},
      at ${real} NOT NULL,
      device_id VARCHAR(128) NULL,
      command VARCHAR(64) NOT NULL,
      text VARCHAR(300) NOT NULL,
      occupancy INTEGER NOT NULL
    )`);
    await queryRunner.query(`CREATE INDEX idx_activity_log_at ON activity_log (at, id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE activity_log`);
    await queryRunner.query(`DROP TABLE sensor_value`);
    await queryRunner.query(`DROP TABLE sensor_data`);
  }
}
