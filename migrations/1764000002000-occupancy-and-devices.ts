import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The occupancy count (one row, updated under a row lock) and the devices registry. */
export class OccupancyAndDevices1764000002000 implements MigrationInterface {
  name = 'OccupancyAndDevices1764000002000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE occupancy (
      id INTEGER PRIMARY KEY,
      count INTEGER NOT NULL,
      peak INTEGER NOT NULL,
      peak_day VARCHAR(10) NOT NULL,
      updated_at DOUBLE PRECISION NOT NULL
    )`);
    await queryRunner.query(
      `INSERT INTO occupancy (id, count, peak, peak_day, updated_at) VALUES (1, 0, 0, '', 0)`,
    );
    await queryRunner.query(`CREATE TABLE device (
      id VARCHAR(128) PRIMARY KEY,
      kind VARCHAR(16) NOT NULL,
      channel VARCHAR(8) NOT NULL,
      gateway INTEGER NULL,
      sensor_types TEXT NOT NULL,
      first_seen DOUBLE PRECISION NOT NULL,
      last_seen DOUBLE PRECISION NOT NULL,
      heartbeat_seconds INTEGER NULL
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE device`);
    await queryRunner.query(`DROP TABLE occupancy`);
  }
}
