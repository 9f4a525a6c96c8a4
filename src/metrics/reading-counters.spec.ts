import { LocalReadingCounters } from './reading-counters.js';

describe(LocalReadingCounters.name, () => {
  const at = (text: string) => new Date(text).getTime();

  it("counts today's readings from the database's count and starts again at local midnight", () => {
    const counters = new LocalReadingCounters(at('2026-03-28T10:00:00'), 5);
    counters.add(2, at('2026-03-28T23:59:59.999'));
    expect(counters.today(at('2026-03-28T23:59:59.999'))).toBe(7);
    counters.add(1, at('2026-03-29T00:00:00'));
    expect(counters.today(at('2026-03-29T12:00:00'))).toBe(1);
    // across a change of clocks, whichever zone the tests run in
    counters.add(3, at('2026-03-30T00:30:00'));
    expect(counters.lastHour(at('2026-03-30T01:00:00'))).toBe(3);
    expect(counters.today(at('2026-03-30T23:00:00'))).toBe(3);
    expect(counters.today(at('2026-03-31T00:00:00'))).toBe(0);
  });
});
