import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Stored alerts; the partial unique index allows one open alert per rule and subject. */
export class Alerts1764000001000 implements MigrationInterface {
  name = 'Alerts1764000001000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const pg = queryRunner.connection.options.type === 'postgres';
    await queryRunner.query(`CREATE TABLE alert (
      id ${pg ? 'BIGSERIAL PRIMARY KEY' : 'INTEGER PRIMARY KEY'},
      rule VARCHAR(64) NOT NULL,
      subject VARCHAR(200) NOT NULL,
      severity VARCHAR(8) NOT NULL,
      message VARCHAR(500) NOT NULL,
      state VARCHAR(12) NOT NULL,
      first_seen DOUBLE PRECISION NOT NULL,
      last_seen DOUBLE PRECISION NOT NULL,
      count INTEGER NOT NULL,
      acknowledged_at DOUBLE PRECISION NULL,
      resolved_at DOUBLE PRECISION NULL
    )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX idx_alert_open ON alert (rule, subject) WHERE state <> 'resolved'`,
    );
    await queryRunner.query(`CREATE INDEX idx_alert_last_seen ON alert (last_seen)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE alert`);
  }
}
