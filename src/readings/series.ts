export const DEFAULT_POINTS = 300;
export const MAX_POINTS = 2000;

export interface SeriesPoint {
  t: number;
  min: number;
  max: number;
  avg: number;
  count: number;
}

export interface Series {
  from: number;
  to: number;
  bucketSeconds: number;
  points: SeriesPoint[];
}

/** Whole seconds per bucket so that `[from, to)` needs at most `points` buckets. */
export function bucketSecondsFor(from: number, to: number, points: number): number {
  return Math.max(1, Math.ceil((to - from) / points));
}

/** Start time of bucket `index`. */
export function bucketStart(from: number, bucketSeconds: number, index: number): number {
  return from + index * bucketSeconds;
}
