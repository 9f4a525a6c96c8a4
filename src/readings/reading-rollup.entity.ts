import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Min, max, sum and count of one sensor type of one device over one UTC hour. Kept in the
 * transaction that stores the readings and never deleted by retention, so long series stay
 * cheap and survive the raw values.
 */
@Entity('reading_rollup')
export class ReadingRollup {
  @PrimaryColumn({ name: 'device_id', type: 'varchar', length: 128 })
  deviceId: string;

  @PrimaryColumn({ type: 'varchar', length: 32 })
  type: string;

  /** Unix seconds of the hour's start. */
  @PrimaryColumn({ type: 'bigint' })
  hour: number;

  @Column({ type: 'double precision' })
  min: number;

  @Column({ type: 'double precision' })
  max: number;

  @Column({ type: 'double precision' })
  sum: number;

  @Column({ type: 'integer' })
  count: number;
}
