import { ExposureSeries } from './exposure-series.js';

// A day that starts at a whole minute; the shift starts at 06:00.
const MIDNIGHT = 1_767_225_600; // 2026-01-01T00:00:00Z
const SHIFT = MIDNIGHT + 6 * 3600;
const minute = (n: number) => SHIFT + n * 60;

/** One reading at second 10 of each minute from `from` to `to` (exclusive). */
function steady(series: ExposureSeries, from: number, to: number, value: number): void {
  for (let n = from; n < to; n++) {
    series.add(minute(n) + 10, value);
  }
}

describe('ExposureSeries', () => {
  it('gives a TWA of 50 after 8 hours at a constant 50 ppm', () => {
    const series = new ExposureSeries();
    steady(series, 0, 480, 50);
    const values = series.valuesAt(minute(479) + 30, MIDNIGHT, 60);
    expect(values.twa8h).toBeCloseTo(50, 10);
    expect(values.stel).toBeCloseTo(50, 10);
    expect(values.peak).toBe(50);
  });

  it('counts the minutes before the first reading as 0 in the 8-hour average', () => {
    const series = new ExposureSeries();
    steady(series, 0, 240, 50);
    expect(series.valuesAt(minute(239) + 30, MIDNIGHT, 60).twa8h).toBeCloseTo(25, 10);
  });

  it('gives a STEL of 100 after 15 minutes at 100 ppm, then lets it fall while stelMax stays', () => {
    const series = new ExposureSeries();
    steady(series, 0, 15, 100);
    steady(series, 15, 30, 0);
    expect(series.valuesAt(minute(14) + 59, MIDNIGHT, 60)).toEqual({
      twa8h: (15 * 100) / 480,
      stel: 100,
      stelMax: 100,
      peak: 100,
    });
    const later = series.valuesAt(minute(15) + 30, MIDNIGHT, 60);
    expect(later.stel).toBeCloseTo((14 * 100) / 15, 10);
    expect(later.stelMax).toBe(100);
    const gone = series.valuesAt(minute(29) + 30, MIDNIGHT, 60);
    expect(gone.stel).toBe(0);
    expect(gone.stelMax).toBe(100);
    expect(gone.peak).toBe(100);
  });

  it('holds a reading for EXPOSURE_HOLD_SECONDS after it, then counts 0', () => {
    const series = new ExposureSeries();
    series.add(minute(0) + 10, 60);
    // minute 1 starts 50 s after the reading: held; minute 2 starts 110 s after: 0
    expect(series.valuesAt(minute(2) + 30, MIDNIGHT, 60).stel).toBeCloseTo((60 + 60) / 15, 10);
    // with no hold, only the reading's own minute counts
    expect(series.valuesAt(minute(2) + 30, MIDNIGHT, 0).stel).toBeCloseTo(60 / 15, 10);
    // a longer hold carries it further
    expect(series.valuesAt(minute(2) + 30, MIDNIGHT, 120).stel).toBeCloseTo(180 / 15, 10);
  });

  it('holds the last reading of a minute, not its highest', () => {
    const series = new ExposureSeries();
    series.add(minute(0) + 5, 90);
    series.add(minute(0) + 50, 30);
    // minute 0 counts its highest (90), minute 1 repeats the last reading (30)
    expect(series.valuesAt(minute(1) + 1, MIDNIGHT, 60).stel).toBeCloseTo((90 + 30) / 15, 10);
  });

  it('takes the highest of several cells and counts negative drift as 0', () => {
    const series = new ExposureSeries();
    series.add(minute(0) + 10, 12);
    series.add(minute(0) + 10, 18);
    series.add(minute(1) + 10, -3);
    const values = series.valuesAt(minute(1) + 30, MIDNIGHT, 0);
    expect(values.peak).toBe(18);
    expect(values.stel).toBeCloseTo(18 / 15, 10);
  });

  it('puts a late reading in its own minute, not the current one', () => {
    const series = new ExposureSeries();
    steady(series, 0, 60, 0);
    series.add(minute(10) + 10, 150); // arrives an hour late
    const values = series.valuesAt(minute(59) + 30, MIDNIGHT, 60);
    expect(values.stel).toBe(0);
    expect(values.peak).toBe(150);
    expect(values.stelMax).toBeCloseTo(150 / 15, 10);
  });

  it('counts stelMax and peak from local midnight only, the TWA across it', () => {
    const series = new ExposureSeries();
    const beforeMidnight = MIDNIGHT - 30 * 60;
    for (let n = 0; n < 30; n++) {
      series.add(beforeMidnight + n * 60 + 10, 80);
    }
    const values = series.valuesAt(MIDNIGHT + 20 * 60, MIDNIGHT, 0);
    expect(values.peak).toBe(0);
    // the first minutes after midnight still hold the STEL window reaching back before it
    expect(values.stelMax).toBeCloseTo((14 * 80) / 15, 10);
    expect(values.twa8h).toBeCloseTo((30 * 80) / 480, 10);
  });

  it('forgets pruned minutes', () => {
    const series = new ExposureSeries();
    series.add(minute(0), 50);
    series.prune(Math.floor(minute(1) / 60));
    expect(series.empty).toBe(true);
  });
});
