import fc from 'fast-check';
import { bucketSecondsFor, bucketStart, planSeries } from './series.js';

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

describe(planSeries.name, () => {
  it('keeps buckets under an hour where the range starts, on the raw values', () => {
    expect(planSeries(1000, 4600, 300)).toEqual({
      from: 1000,
      to: 4600,
      bucketSeconds: 12,
      hourly: false,
    });
  });

  it('widens buckets of an hour or more to whole UTC hours', () => {
    // a week at 100 points: 6048 s buckets become 2 hours, from and to on hour boundaries
    const from = 1710001000;
    expect(planSeries(from, from + 7 * 86400, 100)).toEqual({
      from: 1710000000,
      to: 1710608400,
      bucketSeconds: 7200,
      hourly: true,
    });
  });

  it('reads a range reaching back past retention from roll-ups, however short', () => {
    expect(planSeries(1710001000, 1710004600, 300, 1710002000)).toEqual({
      from: 1710000000,
      to: 1710007200,
      bucketSeconds: 3600,
      hourly: true,
    });
    expect(planSeries(1710002000, 1710004600, 300, 1710002000).hourly).toBe(false);
  });

  it('cuts a year at one point a day into UTC days', () => {
    const from = Date.UTC(2025, 0, 1) / 1000;
    expect(planSeries(from, from + 365 * 86400, 365)).toMatchObject({
      from,
      bucketSeconds: 86400,
    });
  });

  it('covers [from, to) with at most `points` whole-hour buckets starting on UTC hours', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 946684800, max: 4e9, noNaN: true }),
        fc.double({ min: 1, max: 20 * 366 * 86400, noNaN: true }),
        fc.integer({ min: 1, max: 2000 }),
        (from, span, points) => {
          const plan = planSeries(from, from + span, points);
          expect(plan.from).toBeLessThanOrEqual(from);
          expect(plan.to).toBeGreaterThanOrEqual(from + span);
          expect(Math.ceil((plan.to - plan.from) / plan.bucketSeconds)).toBeLessThanOrEqual(points);
          if (plan.hourly) {
            expect(plan.from % 3600).toBe(0);
            expect(plan.to % 3600).toBe(0);
            expect(plan.bucketSeconds % 3600).toBe(0);
          } else {
            expect(plan.bucketSeconds).toBeLessThan(3600);
          }
        },
      ),
    );
  });
});
