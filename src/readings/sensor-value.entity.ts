import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One sensor value of a reading. Device, type and time are copied from the reading so that a
 * series (one type of one device over time) is read from one index without touching sensor_data.
 */
@Entity('sensor_value')
@Index('idx_sensor_value_series', ['deviceId', 'type', 'ts'])
export class SensorValue {
  @PrimaryColumn({ name: 'reading_id', type: 'bigint' })
  readingId: number;

  /** 0-based position in the reading's `sensors` array. */
  @PrimaryColumn({ type: 'smallint' })
  idx: number;

  @Column({ name: 'device_id', type: 'varchar', length: 128 })
  deviceId: string;

  @Column({ type: 'varchar', length: 32 })
  type: string;

  @Column({ type: 'double precision' })
  ts: number;

  @Column({ type: 'double precision' })
  value: number;
}
