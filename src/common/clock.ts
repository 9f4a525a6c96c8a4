import { Injectable } from '@nestjs/common';

/** Time for everything that counts or expires, so tests can move it instead of sleeping. */
@Injectable()
export class Clock {
  /** Milliseconds since the epoch. */
  now(): number {
    return Date.now();
  }

  /** Unix seconds. */
  seconds(): number {
    return this.now() / 1000;
  }
}

/** Local midnight (server time zone) of the day holding `ms`, in milliseconds. */
export function localMidnight(ms: number): number {
  const day = new Date(ms);
  day.setHours(0, 0, 0, 0);
  return day.getTime();
}
