import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One sensor value of a reading. Device, type and time are copied from the reading, and the
 * values are kept in that order (one clustered key: WITHOUT ROWID on SQLite, the primary key
 * on PostgreSQL), so a series (one type of one device over time) is one range of one B-tree.
 */
@Entity('sensor_value', { withoutRowid: true })
export class SensorValue {
  @PrimaryColumn({ name: 'device_id', type: 'varchar', length: 128 })
  deviceId: string;

  @PrimaryColumn({ type: 'varchar', length: 32 })
  type: string;

  @PrimaryColumn({ type: 'double precision' })
  ts: number;

  @PrimaryColumn({ name: 'reading_id', type: 'bigint' })
  readingId: number;

  /** 0-based position in the reading's `sensors` array. */
  @PrimaryColumn({ type: 'smallint' })
  idx: number;

  @Column({ type: 'double precision' })
  value: number;
}
