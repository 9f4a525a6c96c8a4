import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox of alert notifications (SPEC 10.2): one row per webhook and transition, written in
 * the transition's transaction, and running totals of the rows sent and given up, which outlive
 * the pruning of old rows.
 */
export class NotificationOutbox1764000004000 implements MigrationInterface {
  name = 'NotificationOutbox1764000004000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const pg = queryRunner.connection.options.type === 'postgres';
    await queryRunner.query(`CREATE TABLE notification (
      id ${pg ? 'BIGSERIAL PRIMARY KEY' : 'INTEGER PRIMARY KEY'},
      url VARCHAR(2048) NOT NULL,
      idempotency_key VARCHAR(100) NOT NULL,
      body TEXT NOT NULL,
      state VARCHAR(8) NOT NULL,
      attempts INTEGER NOT NULL,
      next_attempt_at DOUBLE PRECISION NOT NULL,
      created_at DOUBLE PRECISION NOT NULL,
      last_error VARCHAR(500) NULL,
      sent_at DOUBLE PRECISION NULL
    )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX idx_notification_key ON notification (url, idempotency_key)`,
    );
    // The worker's claim: due pending rows, oldest due first.
    await queryRunner.query(
      `CREATE INDEX idx_notification_due ON notification (state, next_attempt_at)`,
    );
    await queryRunner.query(`CREATE TABLE notification_total (
      state VARCHAR(8) PRIMARY KEY,
      total BIGINT NOT NULL
    )`);
    await queryRunner.query(
      `INSERT INTO notification_total (state, total) VALUES ('sent', 0), ('failed', 0)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE notification_total`);
    await queryRunner.query(`DROP TABLE notification`);
  }
}
