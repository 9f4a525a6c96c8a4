import fc from 'fast-check';
import { bucketSecondsFor, bucketStart } from './series.js';

describe(bucketSecondsFor.name, () => {
  it('cuts an hour into 300 buckets of 12 s', () => {
    expect(bucketSecondsFor(0, 3600, 300)).toBe(12);
  });

  it('never makes buckets shorter than a second', () => {
    expect(bucketSecondsFor(0, 10, 300)).toBe(1);
  });

  it('covers any range with at most `points` buckets of whole seconds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2e9 }),
        fc.integer({ min: 1, max: 6e8 }),
        fc.integer({ min: 1, max: 2000 }),
        (from, span, points) => {
          const seconds = bucketSecondsFor(from, from + span, points);
          expect(Number.isInteger(seconds)).toBe(true);
          expect(Math.ceil(span / seconds)).toBeLessThanOrEqual(points);
          expect(bucketStart(from, seconds, points)).toBeGreaterThanOrEqual(from + span);
        },
      ),
    );
  });
});
