import { MinuteCounts } from './minute-counts.js';

describe(MinuteCounts.name, () => {
  const minute = 60000;
  const t0 = 1_700_000_040_000;

  it('counts per minute and forgets minutes that left the window', () => {
    const counts = new MinuteCounts(3);
    counts.add(t0, 2);
    counts.add(t0 + minute, 1);
    counts.add(t0 + 2 * minute, 4);
    expect(counts.perMinute(t0 + 2 * minute)).toEqual([2, 1, 4]);
    expect(counts.total(t0 + 3 * minute)).toBe(5);
    counts.add(t0 + 3 * minute);
    expect(counts.perMinute(t0 + 3 * minute)).toEqual([1, 4, 1]);
    expect(counts.total(t0 + 10 * minute)).toBe(0);
  });

  it('answers a shorter window of the most recent minutes', () => {
    const counts = new MinuteCounts(60);
    counts.add(t0, 5);
    counts.add(t0 + 30 * minute, 7);
    expect(counts.perMinute(t0 + 31 * minute, 2)).toEqual([7, 0]);
  });
});
