import { Injectable } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { Clock } from '../common/clock.js';
import { MonitorService } from '../metrics/monitor.service.js';

/** Failed attempts from one address within a window before it is shut out until the window ends. */
export const MAX_AUTH_FAILURES = 10;
export const AUTH_WINDOW_SECONDS = 60;
/** Addresses tracked at once; beyond it the oldest windows are forgotten (memory stays bounded). */
const MAX_ADDRESSES = 10000;

interface Window {
  start: number;
  /** Wrong credentials: guesses, which shut the address out. */
  count: number;
  /** Attempts with no credential at all: answered 401, shown, never shut out. */
  missing: number;
}

/**
 * Failed credentials per client address, on every channel. Only a wrong credential counts toward
 * the shut-out: a missing one guesses nothing (a page opened without its key sends several). The
 * first failure of a window and the one that shuts the address out appear as warning events; the
 * rest are only counted, so a flood of bad logins cannot flood the event log either.
 */
@Injectable()
export class AuthFailures {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly clock: Clock,
    private readonly monitor: MonitorService,
  ) {}

  /** Seconds until `address` may try again; 0 when it may now. */
  retryAfter(address: string): number {
    const window = this.current(address);
    if (!window || window.count < MAX_AUTH_FAILURES) {
      return 0;
    }
    return Math.max(1, Math.ceil(window.start + AUTH_WINDOW_SECONDS - this.clock.seconds()));
  }

  /** `guessed`: a credential was given and was wrong. */
  record(channel: string, address: string, reason: string, guessed = true): void {
    let window = this.current(address);
    if (!window) {
      window = { start: this.clock.seconds(), count: 0, missing: 0 };
      this.windows.delete(address);
      this.windows.set(address, window);
      this.bound();
    }
    if (guessed) {
      window.count++;
    } else {
      window.missing++;
    }
    const details = { channel, address, reason, failures: window.count };
    if (window.count + window.missing === 1) {
      this.monitor.logEvent(
        'warning',
        `Unauthorized ${channel} attempt from ${address}: ${reason}`,
        details,
      );
    } else if (guessed && window.count === MAX_AUTH_FAILURES) {
      this.monitor.logEvent(
        'warning',
        `${address} shut out for ${AUTH_WINDOW_SECONDS} s after ${MAX_AUTH_FAILURES} failed ${channel} attempts`,
        details,
      );
    }
  }

  @Interval(AUTH_WINDOW_SECONDS * 1000)
  forgetOld(): void {
    for (const address of [...this.windows.keys()]) {
      this.current(address);
    }
  }

  private current(address: string): Window | undefined {
    const window = this.windows.get(address);
    if (window && this.clock.seconds() - window.start >= AUTH_WINDOW_SECONDS) {
      this.windows.delete(address);
      return undefined;
    }
    return window;
  }

  private bound(): void {
    for (const oldest of this.windows.keys()) {
      if (this.windows.size <= MAX_ADDRESSES) {
        return;
      }
      this.windows.delete(oldest);
    }
  }
}
