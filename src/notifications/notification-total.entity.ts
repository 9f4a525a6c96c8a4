import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Notifications sent and given up since the database was created: kept apart from the outbox
 * rows, which are pruned, and shared by every instance.
 */
@Entity('notification_total')
export class NotificationTotal {
  @PrimaryColumn({ type: 'varchar', length: 8 })
  state: 'sent' | 'failed';

  @Column({ type: 'bigint' })
  total: number;
}
