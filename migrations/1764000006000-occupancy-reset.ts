import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The local day (`YYYY-MM-DD`) of the last daily occupancy reset (OCCUPANCY_RESET_AT), kept in
 * the occupancy row so that instances sharing the database reset once a day, under its lock.
 */
export class OccupancyReset1764000006000 implements MigrationInterface {
  name = 'OccupancyReset1764000006000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE occupancy ADD COLUMN reset_day VARCHAR(10) NOT NULL DEFAULT ''`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE occupancy DROP COLUMN reset_day`);
  }
}
