import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { DeviceKind } from '../devices/device.entity.js';

/** A device's credential in token mode. Only the SHA-256 of the token is kept. */
@Entity('device_token')
export class DeviceToken {
  @PrimaryColumn({ name: 'device_id', type: 'varchar', length: 128 })
  deviceId: string;

  @Column({ name: 'token_hash', type: 'varchar', length: 64, unique: true })
  tokenHash: string;

  @Column({ type: 'varchar', length: 16 })
  kind: DeviceKind;

  /** For a gateway: the N of its topic `{prefix}/N`, and the sensors it may report for. */
  @Column({ type: 'integer', nullable: true })
  gateway: number | null;

  @Column({ name: 'created_at', type: 'double precision' })
  createdAt: number;
}
