import { Column, Entity, PrimaryColumn } from 'typeorm';

export type DeviceKind = 'handheld' | 'facility' | 'gateway' | 'sensor';
export type DeviceChannel = 'http' | 'tcp' | 'mqtt';

/** Every device heard from on any channel. */
@Entity('device')
export class Device {
  @PrimaryColumn({ type: 'varchar', length: 128 })
  id: string;

  @Column({ type: 'varchar', length: 16 })
  kind: DeviceKind;

  @Column({ type: 'varchar', length: 8 })
  channel: DeviceChannel;

  @Column({ type: 'integer', nullable: true })
  gateway: number | null;

  /** JSON array of the sensor types it has reported. */
  @Column({ name: 'sensor_types', type: 'text' })
  sensorTypes: string;

  @Column({ name: 'first_seen', type: 'double precision' })
  firstSeen: number;

  @Column({ name: 'last_seen', type: 'double precision' })
  lastSeen: number;

  /** Registered heartbeat: silent this long is offline, with an alert. */
  @Column({ name: 'heartbeat_seconds', type: 'integer', nullable: true })
  heartbeatSeconds: number | null;
}
