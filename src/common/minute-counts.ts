/**
 * Counts per minute over a sliding window of whole minutes, updated in O(1): the source of
 * "last hour" and "per minute" metrics without scanning anything.
 */
export class MinuteCounts {
  private readonly counts: number[];
  private readonly minutes: number[];

  constructor(private readonly windowMinutes: number) {
    this.counts = new Array<number>(windowMinutes).fill(0);
    this.minutes = new Array<number>(windowMinutes).fill(-1);
  }

  add(nowMs: number, amount = 1): void {
    const minute = Math.floor(nowMs / 60000);
    const slot = minute % this.windowMinutes;
    if (this.minutes[slot] !== minute) {
      this.minutes[slot] = minute;
      this.counts[slot] = 0;
    }
    this.counts[slot] += amount;
  }

  /** One count per minute, oldest first, the last being the minute in progress. */
  perMinute(nowMs: number, minutes = this.windowMinutes): number[] {
    const current = Math.floor(nowMs / 60000);
    const result: number[] = [];
    for (let minute = current - minutes + 1; minute <= current; minute++) {
      const slot = ((minute % this.windowMinutes) + this.windowMinutes) % this.windowMinutes;
      result.push(this.minutes[slot] === minute ? this.counts[slot] : 0);
    }
    return result;
  }

  total(nowMs: number): number {
    return this.perMinute(nowMs).reduce((sum, count) => sum + count, 0);
  }
}
