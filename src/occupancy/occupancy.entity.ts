import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The facility's count: one row (id 1), changed only under its row lock. */
@Entity('occupancy')
export class Occupancy {
  @PrimaryColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'integer' })
  count: number;

  /** Highest count of `peakDay`. */
  @Column({ type: 'integer' })
  peak: number;

  /** Local date `YYYY-MM-DD` the peak belongs to. */
  @Column({ name: 'peak_day', type: 'varchar', length: 10 })
  peakDay: string;

  @Column({ name: 'updated_at', type: 'double precision' })
  updatedAt: number;

  /** Local date `YYYY-MM-DD` of the last daily reset (OCCUPANCY_RESET_AT); '' before the first. */
  @Column({ name: 'reset_day', type: 'varchar', length: 10, default: '' })
  resetDay: string;
}
