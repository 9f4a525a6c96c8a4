import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One accepted facility command (or correction) and the occupancy right after it. */
@Entity('activity_log')
@Index('idx_activity_log_at', ['at', 'id'])
export class ActivityLog {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: number;

  /** Unix seconds. */
  @Column({ type: 'double precision' })
  at: number;

  @Column({ name: 'device_id', type: 'varchar', length: 128, nullable: true })
  deviceId: string | null;

  @Column({ type: 'varchar', length: 64 })
  command: string;

  @Column({ type: 'varchar', length: 300 })
  text: string;

  @Column({ type: 'integer' })
  occupancy: number;
}
