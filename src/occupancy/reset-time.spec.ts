import fc from 'fast-check';
import { lastResetAt, parseResetAt, resetCron } from './reset-time.js';

describe('reset time', () => {
  it('gives the cron expression with seconds first, minute before hour', () => {
    expect(resetCron('06:30')).toBe('0 30 6 * * *');
    expect(resetCron('00:00')).toBe('0 0 0 * * *');
    expect(resetCron('23:59')).toBe('0 59 23 * * *');
  });

  it('finds the reset of the same day once its time has come, else the day before', () => {
    const morning = new Date(2026, 2, 10, 6, 30).getTime();
    expect(lastResetAt('06:30', morning)).toBe(morning);
    expect(lastResetAt('06:30', morning + 1)).toBe(morning);
    expect(lastResetAt('06:30', morning - 1)).toBe(new Date(2026, 2, 9, 6, 30).getTime());
    expect(lastResetAt('00:00', new Date(2026, 0, 1, 0, 0, 5).getTime())).toBe(
      new Date(2026, 0, 1).getTime(),
    );
  });

  it('is always the latest local HH:MM at or before the given time', () => {
    const resetAt = fc
      .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
      .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
    const when = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) });
    fc.assert(
      fc.property(resetAt, when, (at, ms) => {
        const moment = lastResetAt(at, ms);
        const { hour, minute } = parseResetAt(at);
        const local = new Date(moment);
        // a time that a DST change skips comes out an hour later on that day
        expect([hour, (hour + 1) % 24]).toContain(local.getHours());
        expect(local.getMinutes()).toBe(minute);
        expect(moment).toBeLessThanOrEqual(ms);
        expect(ms - moment).toBeLessThan(25 * 3_600_000);
      }),
      { numRuns: 500 },
    );
  });
});
