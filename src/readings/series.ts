import { HOUR_SECONDS } from './reading-rollups.js';

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

/** The range a series answers for and how it is cut; `hourly` buckets are read from roll-ups. */
export interface SeriesPlan {
  from: number;
  to: number;
  bucketSeconds: number;
  hourly: boolean;
}

/** Whole seconds per bucket so that `[from, to)` needs at most `points` buckets. */
export function bucketSecondsFor(from: number, to: number, points: number): number {
  return Math.max(1, Math.ceil((to - from) / points));
}

/** Start time of bucket `index`. */
export function bucketStart(from: number, bucketSeconds: number, index: number): number {
  return from + index * bucketSeconds;
}

/**
 * How `[from, to)` is cut into at most `points` buckets. Buckets of an hour or more are whole
 * hours from the UTC hour holding `from` to the one holding `to`, so each holds whole roll-ups:
 * the range answered is then widened to those hours. So are all buckets of a range starting
 * before `rawSince`, the oldest time whose raw values retention keeps: only roll-ups cover it.
 */
export function planSeries(
  from: number,
  to: number,
  points: number,
  rawSince = -Infinity,
): SeriesPlan {
  const bucketSeconds = bucketSecondsFor(from, to, points);
  if (bucketSeconds < HOUR_SECONDS && from >= rawSince) {
    return { from, to, bucketSeconds, hourly: false };
  }
  const start = Math.floor(from / HOUR_SECONDS) * HOUR_SECONDS;
  const end = Math.ceil(to / HOUR_SECONDS) * HOUR_SECONDS;
  const hours = Math.ceil((end - start) / HOUR_SECONDS / points);
  return { from: start, to: end, bucketSeconds: hours * HOUR_SECONDS, hourly: true };
}
