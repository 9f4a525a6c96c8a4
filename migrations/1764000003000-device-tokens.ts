import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Device credentials for token mode (SPEC section 8): hashed, one per device. */
export class DeviceTokens1764000003000 implements MigrationInterface {
  name = 'DeviceTokens1764000003000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE device_token (
      device_id VARCHAR(128) PRIMARY KEY,
      token_hash VARCHAR(64) NOT NULL UNIQUE,
      kind VARCHAR(16) NOT NULL,
      gateway INTEGER NULL,
      created_at DOUBLE PRECISION NOT NULL
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE device_token`);
  }
}
