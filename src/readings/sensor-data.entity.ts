import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One reading document as a device sent it; its sensor values are also kept one per row in SensorValue. */
@Entity('sensor_data')
@Index('idx_sensor_data_ts', ['ts', 'id'])
@Index('idx_sensor_data_device_ts', ['deviceId', 'ts', 'id'])
export class SensorData {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: number;

  @Column({ name: 'device_id', type: 'varchar', length: 128 })
  deviceId: string;

  /** Unix seconds, fractions allowed. */
  @Column({ type: 'double precision' })
  ts: number;

  @Column({ type: 'double precision', nullable: true })
  pct: number | null;

  /** The `sensors` array exactly as sent (type and value of each entry, in order), as JSON. */
  @Column({ type: 'text' })
  sensors: string;

  @Column({ name: 'received_at', type: 'double precision' })
  receivedAt: number;

  @Column({ type: 'varchar', length: 8 })
  source: string;

  @Column({ type: 'integer', nullable: true })
  gateway: number | null;
}
