import fc from 'fast-check';
import { bucketSecondsFor, bucketStart, MAX_POINTS } from './series.js';

/** The widest range ReadingsService lets through (20 years), and times as queries give them. */
const MAX_SERIES_SECONDS = 20 * 366 * 86400;
const time = fc.double({ min: -1e10, max: 1e10, noNaN: true });
const range = fc
  .tuple(time, fc.double({ min: Number.MIN_VALUE, max: MAX_SERIES_SECONDS, noNaN: true }))
  .map(([from, span]) => [from, from + span] as const)
  .filter(([from, to]) => to > from && to - from <= MAX_SERIES_SECONDS);
const points = fc.integer({ min: 1, max: MAX_POINTS });

describe(`${bucketSecondsFor.name} properties`, () => {
  it('covers any range a query may ask for with at most `points` whole-second buckets', () => {
    fc.assert(
      fc.property(range, points, ([from, to], n) => {
        const seconds = bucketSecondsFor(from, to, n);
        expect(Number.isSafeInteger(seconds)).toBe(true);
        expect(seconds).toBeGreaterThanOrEqual(1);
        // every ts in [from, to) falls in a bucket index below n
        expect(seconds * n).toBeGreaterThanOrEqual(to - from);
        expect(Math.floor((to - from) / seconds)).toBeLessThanOrEqual(n);
      }),
      { numRuns: 1000 },
    );
  });

  it('uses the shortest whole-second bucket that does so', () => {
    fc.assert(
      fc.property(range, points, ([from, to], n) => {
        const seconds = bucketSecondsFor(from, to, n);
        expect(seconds === 1 || (seconds - 1) * n < to - from).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('starts buckets at from and a whole bucket apart, the last one before to', () => {
    fc.assert(
      fc.property(range, points, ([from, to], n) => {
        const seconds = bucketSecondsFor(from, to, n);
        expect(bucketStart(from, seconds, 0) === from).toBe(true);
        const buckets = Math.ceil((to - from) / seconds);
        expect(buckets).toBeLessThanOrEqual(n);
        expect(bucketStart(from, seconds, buckets - 1)).toBeLessThan(to);
        expect(bucketStart(from, seconds, buckets)).toBeGreaterThanOrEqual(to);
      }),
      { numRuns: 500 },
    );
  });
});
