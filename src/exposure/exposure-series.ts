/** Minutes in the TWA window and the STEL window (SPEC 10.1). */
export const TWA_MINUTES = 480;
export const STEL_MINUTES = 15;

/** One minute of one device's gas: the highest value, and the last reading (for the hold). */
interface Minute {
  max: number;
  lastTs: number;
  lastValue: number;
}

export interface ExposureValues {
  twa8h: number;
  stel: number;
  stelMax: number;
  peak: number;
}

/**
 * One device's readings of one gas, by minute, and the exposure they give at any moment.
 * Memory holds only the minutes a computation can reach (see `prune`); a late reading goes
 * into its own minute, whenever it arrives.
 */
export class ExposureSeries {
  private readonly minutes = new Map<number, Minute>();

  /** Negative values count as 0: a sensor's zero drift is not exposure. */
  add(ts: number, value: number): void {
    const index = Math.floor(ts / 60);
    const counted = Math.max(0, value);
    const minute = this.minutes.get(index);
    if (!minute) {
      this.minutes.set(index, { max: counted, lastTs: ts, lastValue: counted });
      return;
    }
    minute.max = Math.max(minute.max, counted);
    if (ts >= minute.lastTs) {
      minute.lastTs = ts;
      minute.lastValue = counted;
    }
  }

  get empty(): boolean {
    return this.minutes.size === 0;
  }

  /** Forgets minutes before `firstMinute` (minute index, Unix seconds / 60). */
  prune(firstMinute: number): void {
    for (const index of this.minutes.keys()) {
      if (index < firstMinute) {
        this.minutes.delete(index);
      }
    }
  }

  /**
   * The exposure as of `at` (Unix seconds): windows end with the minute holding `at`, which
   * counts whole. `midnight` is the local midnight before `at` (for `stelMax` and `peak`);
   * `holdSeconds` how long a reading stands for the minutes after it.
   */
  valuesAt(at: number, midnight: number, holdSeconds: number): ExposureValues {
    const last = Math.floor(at / 60);
    const today = Math.floor(midnight / 60);
    const first = Math.min(today, last - TWA_MINUTES + 1) - STEL_MINUTES + 1;
    const values = this.minuteValues(first, last, holdSeconds);
    const valueOf = (index: number) => values[index - first];

    let twaSum = 0;
    for (let index = last - TWA_MINUTES + 1; index <= last; index++) {
      twaSum += valueOf(index);
    }
    let stelSum = 0;
    for (let index = today - STEL_MINUTES + 1; index < today; index++) {
      stelSum += valueOf(index);
    }
    let stelMax = 0;
    let peak = 0;
    let stel = 0;
    for (let index = today; index <= last; index++) {
      stelSum += valueOf(index);
      stel = stelSum / STEL_MINUTES;
      stelMax = Math.max(stelMax, stel);
      peak = Math.max(peak, valueOf(index));
      stelSum -= valueOf(index - STEL_MINUTES + 1);
    }
    return { twa8h: twaSum / TWA_MINUTES, stel, stelMax, peak };
  }

  /**
   * The 1-minute values from `first` to `last`: a minute's highest reading; a minute without
   * one repeats the last reading while it is at most `holdSeconds` older than the minute's
   * start, else 0.
   */
  private minuteValues(first: number, last: number, holdSeconds: number): number[] {
    let held: { ts: number; value: number } | null = null;
    // a reading before the range may still hold into it
    for (let index = first - Math.ceil(holdSeconds / 60) - 1; index < first; index++) {
      const minute = this.minutes.get(index);
      if (minute) {
        held = { ts: minute.lastTs, value: minute.lastValue };
      }
    }
    const values = new Array<number>(last - first + 1);
    for (let index = first; index <= last; index++) {
      const minute = this.minutes.get(index);
      if (minute) {
        values[index - first] = minute.max;
        held = { ts: minute.lastTs, value: minute.lastValue };
      } else {
        values[index - first] = held && index * 60 - held.ts <= holdSeconds ? held.value : 0;
      }
    }
    return values;
  }
}
