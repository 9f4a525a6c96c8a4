import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A gateway number belongs to one gateway's token: the check before the insert races between instances. */
export class OneTokenPerGateway1764000007000 implements MigrationInterface {
  name = 'OneTokenPerGateway1764000007000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE UNIQUE INDEX idx_device_token_gateway ON device_token (gateway) WHERE kind = 'gateway'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX idx_device_token_gateway`);
  }
}
