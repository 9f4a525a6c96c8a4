import { Logger } from '@nestjs/common';
import { localMidnight } from '../common/clock.js';
import { MinuteCounts } from '../common/minute-counts.js';
import { localDay } from '../occupancy/activity-text.js';
import { KEY_PREFIX, type RedisService } from '../redis/redis.service.js';

/** Readings committed today (local time) and in the last hour. */
export interface ReadingCounters {
  add(count: number, nowMs: number): void;
  today(nowMs: number): number;
  lastHour(nowMs: number): number;
  stop(): void;
}

/** The local day holding `nowMs`: its midnight and the next (36 h on is always the next day). */
function dayOf(nowMs: number): { midnight: number; next: number } {
  const midnight = localMidnight(nowMs);
  return { midnight, next: localMidnight(midnight + 36 * 3600 * 1000) };
}

/** This instance's commits, counted in memory; today's count starts from the database. */
export class LocalReadingCounters implements ReadingCounters {
  private readonly perMinute = new MinuteCounts(60);
  /** Today: from its local midnight up to the next one (23 to 25 hours), and its count. */
  private day: { midnight: number; next: number; count: number };

  constructor(nowMs: number, countedToday: number) {
    this.day = { ...dayOf(nowMs), count: countedToday };
  }

  add(count: number, nowMs: number): void {
    this.today(nowMs);
    this.day.count += count;
    this.perMinute.add(nowMs, count);
  }

  today(nowMs: number): number {
    // called for every committed reading: the time zone is looked up once a day, not each time
    if (nowMs >= this.day.next || nowMs < this.day.midnight) {
      const day = dayOf(nowMs);
      this.day = { ...day, count: day.midnight === this.day.midnight ? this.day.count : 0 };
    }
    return this.day.count;
  }

  lastHour(nowMs: number): number {
    return this.perMinute.total(nowMs);
  }

  stop(): void {}
}

const dayKey = (nowMs: number) => `${KEY_PREFIX}readings:day:${localDay(nowMs)}`;
const minuteKey = (minute: number) => `${KEY_PREFIX}readings:minute:${minute}`;

/**
 * Every instance's commits, in Redis counters: increments are sent together every 200 ms and
 * the totals read back every second, so the metrics describe the whole deployment.
 */
export class RedisReadingCounters implements ReadingCounters {
  private readonly logger = new Logger(RedisReadingCounters.name);
  private pending = 0;
  private cached = { today: 0, lastHour: 0 };
  private readonly timers: NodeJS.Timeout[];

  constructor(private readonly redis: RedisService) {
    this.timers = [
      setInterval(() => void this.flush(), 200),
      setInterval(() => void this.refresh(), 1000),
    ];
    this.timers.forEach((timer) => timer.unref());
  }

  add(count: number): void {
    this.pending += count;
  }

  today(): number {
    return this.cached.today + this.pending;
  }

  lastHour(): number {
    return this.cached.lastHour + this.pending;
  }

  stop(): void {
    this.timers.forEach(clearInterval);
    void this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pending === 0) {
      return;
    }
    const count = this.pending;
    this.pending = 0;
    const now = Date.now();
    const minute = minuteKey(Math.floor(now / 60000));
    try {
      await this.redis.client
        .multi()
        .incrby(dayKey(now), count)
        .expire(dayKey(now), 2 * 86400)
        .incrby(minute, count)
        .expire(minute, 3700)
        .exec();
    } catch (error) {
      this.pending += count;
      this.logger.debug(`reading counters: ${String(error)}`);
    }
  }

  private async refresh(): Promise<void> {
    const now = Date.now();
    const current = Math.floor(now / 60000);
    const minutes = Array.from({ length: 60 }, (_, i) => minuteKey(current - i));
    try {
      const [today, ...perMinute] = await this.redis.client.mget(dayKey(now), ...minutes);
      this.cached = {
        today: Number(today ?? 0),
        lastHour: perMinute.reduce((sum, value) => sum + Number(value ?? 0), 0),
      };
    } catch (error) {
      this.logger.debug(`reading counters: ${String(error)}`);
    }
  }
}
