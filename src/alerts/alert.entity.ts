import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type AlertSeverity = 'error' | 'warning' | 'info';
export type AlertState = 'active' | 'acknowledged' | 'resolved';

/** How severe, for comparing: escalation, coalescing, the notification threshold. */
export const SEVERITY_RANK: Record<AlertSeverity, number> = { info: 0, warning: 1, error: 2 };

/**
 * One alert: a rule firing for a subject. At most one alert per rule and subject is open
 * (active or acknowledged) at a time, enforced by a partial unique index in the database so
 * that instances sharing it cannot both create one.
 */
@Entity('alert')
@Index('idx_alert_last_seen', ['lastSeen'])
export class Alert {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: number;

  @Column({ type: 'varchar', length: 64 })
  rule: string;

  @Column({ type: 'varchar', length: 200 })
  subject: string;

  @Column({ type: 'varchar', length: 8 })
  severity: AlertSeverity;

  @Column({ type: 'varchar', length: 500 })
  message: string;

  @Column({ type: 'varchar', length: 12 })
  state: AlertState;

  @Column({ name: 'first_seen', type: 'double precision' })
  firstSeen: number;

  @Column({ name: 'last_seen', type: 'double precision' })
  lastSeen: number;

  @Column({ type: 'integer' })
  count: number;

  @Column({ name: 'acknowledged_at', type: 'double precision', nullable: true })
  acknowledgedAt: number | null;

  @Column({ name: 'resolved_at', type: 'double precision', nullable: true })
  resolvedAt: number | null;
}
