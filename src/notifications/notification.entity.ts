import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type NotificationState = 'pending' | 'sent' | 'failed';

/**
 * One webhook delivery of one alert transition: the stored outbox. `body` holds the exact bytes
 * sent, so every attempt (and its signature) is identical. A pending row whose `nextAttemptAt`
 * lies ahead is waiting for a retry, or is leased by a worker that is sending it right now.
 */
@Entity('notification')
@Index('idx_notification_key', ['url', 'idempotencyKey'], { unique: true })
@Index('idx_notification_due', ['state', 'nextAttemptAt'])
export class Notification {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: number;

  @Column({ type: 'varchar', length: 2048 })
  url: string;

  @Column({ name: 'idempotency_key', type: 'varchar', length: 100 })
  idempotencyKey: string;

  @Column({ type: 'text' })
  body: string;

  @Column({ type: 'varchar', length: 8 })
  state: NotificationState;

  @Column({ type: 'integer' })
  attempts: number;

  @Column({ name: 'next_attempt_at', type: 'double precision' })
  nextAttemptAt: number;

  @Column({ name: 'created_at', type: 'double precision' })
  createdAt: number;

  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError: string | null;

  @Column({ name: 'sent_at', type: 'double precision', nullable: true })
  sentAt: number | null;
}
