import fc from 'fast-check';
import {
  EARLIEST_TS,
  isReadingTime,
  MAX_AHEAD_SECONDS,
  toUnixSeconds,
} from './is-reading-time.validator.js';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** A UTC instant in years 0000–9999 to whole milliseconds, the range ISO-8601 strings here cover. */
const instant = fc.date({
  min: new Date('0000-01-01T00:00:00Z'),
  max: new Date('9999-12-31T23:59:59.999Z'),
  noInvalidDate: true,
});

/** The same instant written with a UTC offset: the wall-clock time there, and the offset. */
function withOffset(date: Date, offsetMinutes: number, colon: boolean): string {
  const wall = new Date(date.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 23);
  const abs = Math.abs(offsetMinutes);
  const sign = offsetMinutes < 0 ? '-' : '+';
  return `${wall}${sign}${pad(Math.floor(abs / 60))}${colon ? ':' : ''}${pad(abs % 60)}`;
}

/** Days in `month` (1–12) of `year` (≥ 100): day 0 of the next month is the last of this one. */
const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

describe(`${toUnixSeconds.name} properties`, () => {
  it('gives back any finite number as it is, and NaN for any other number', () => {
    fc.assert(
      fc.property(fc.double(), (value) => {
        expect(toUnixSeconds(value)).toBe(Number.isFinite(value) ? value : NaN);
      }),
    );
  });

  it('reads toISOString() of any instant in years 0000–9999 as its Unix seconds', () => {
    fc.assert(
      fc.property(instant, (date) => {
        expect(toUnixSeconds(date.toISOString())).toBe(date.getTime() / 1000);
      }),
      { numRuns: 300 },
    );
  });

  it('reads a UTC offset, with or without its colon, and a space for T', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('2000-01-02T00:00:00Z'),
          max: new Date('2999-12-30T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        fc.boolean(),
        fc.boolean(),
        (date, offsetMinutes, colon, space) => {
          const text = withOffset(date, offsetMinutes, colon);
          expect(toUnixSeconds(space ? text.replace('T', ' ') : text)).toBe(date.getTime() / 1000);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads a date alone as midnight UTC', () => {
    fc.assert(
      fc.property(instant, (date) => {
        const midnight = new Date(date);
        midnight.setUTCHours(0, 0, 0, 0);
        expect(toUnixSeconds(date.toISOString().slice(0, 10))).toBe(midnight.getTime() / 1000);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a day that its month does not have, rather than rolling into the next month', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2000, max: 2999 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom('', 'T00:00:00Z', 'T12:30+02:00', ' 08:00'),
        (year, month, past, time) => {
          const day = daysIn(year, month) + past;
          fc.pre(day <= 31);
          expect(toUnixSeconds(`${year}-${pad(month)}-${pad(day)}${time}`)).toBeNaN();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('accepts every day that its month has', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2000, max: 2999 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        (year, month, dayOfMonth) => {
          const day = Math.min(dayOfMonth, daysIn(year, month));
          expect(toUnixSeconds(`${year}-${pad(month)}-${pad(day)}T00:00:00Z`)).toBe(
            Date.UTC(year, month - 1, day) / 1000,
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('answers NaN for text that is not an ISO-8601 time, and for anything longer than 40 characters', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string().filter((s) => !/^\d{4}-\d{2}-\d{2}/.test(s)),
          fc.string({ minLength: 41, maxLength: 200 }),
          instant.map((d) => `${d.toISOString()}${' '.repeat(20)}`),
        ),
        (text) => {
          expect(toUnixSeconds(text)).toBeNaN();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('answers any other value with NaN or a finite number, never a throw', () => {
    fc.assert(
      fc.property(
        fc.anything({ withBigInt: true, withDate: true, withBoxedValues: true }),
        (value) => {
          const seconds = toUnixSeconds(value);
          expect(Number.isNaN(seconds) || Number.isFinite(seconds)).toBe(true);
          if (typeof value !== 'number' && typeof value !== 'string') {
            expect(seconds).toBeNaN();
          }
        },
      ),
    );
  });
});

describe(`${isReadingTime.name} properties`, () => {
  const now = fc.double({ min: EARLIEST_TS, max: 4e9, noNaN: true });

  it('accepts exactly the times from 2000-01-01 to 24 hours after the clock', () => {
    fc.assert(
      fc.property(now, fc.double({ min: -1e10, max: 1e10, noNaN: true }), (nowSeconds, ts) => {
        expect(isReadingTime(ts, nowSeconds)).toBe(
          ts >= EARLIEST_TS && ts <= nowSeconds + MAX_AHEAD_SECONDS,
        );
      }),
      { numRuns: 500 },
    );
  });

  it('treats an ISO-8601 string as the instant it names', () => {
    fc.assert(
      fc.property(now, instant, (nowSeconds, date) => {
        const seconds = date.getTime() / 1000;
        expect(isReadingTime(date.toISOString(), nowSeconds)).toBe(
          seconds >= EARLIEST_TS && seconds <= nowSeconds + MAX_AHEAD_SECONDS,
        );
      }),
      { numRuns: 300 },
    );
  });

  it('refuses anything that is neither a number nor a string', () => {
    fc.assert(
      fc.property(
        fc.anything().filter((v) => typeof v !== 'number' && typeof v !== 'string'),
        now,
        (value, nowSeconds) => {
          expect(isReadingTime(value, nowSeconds)).toBe(false);
        },
      ),
    );
  });
});
