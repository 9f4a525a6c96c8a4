import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { ExposureLimits } from '../alerts/alert-rules.js';
import { AlertsService } from '../alerts/alerts.service.js';
import { Clock, localMidnight } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { MonitorService } from '../metrics/monitor.service.js';
import type { StoredReading } from '../readings/reading.js';
import { SensorValue } from '../readings/sensor-value.entity.js';
import { exposureAlerts } from './exposure-alerts.js';
import { ExposureSeries, STEL_MINUTES, TWA_MINUTES } from './exposure-series.js';

export interface ExposureJson {
  id: string;
  type: string;
  twa8h: number;
  stel: number;
  stelMax: number;
  peak: number;
  limits: ExposureLimits;
  at: number;
}

interface Tracked {
  id: string;
  type: string;
  series: ExposureSeries;
  /** Last values sent live, to send only changes. */
  sent?: string;
  /** Which limits were crossed at the last check; unknown after a start. */
  over: { twa?: boolean; stel?: boolean };
}

const round = (value: number) => Math.round(value * 1000) / 1000;

interface ValueRow {
  device_id: string;
  type: string;
  ts: number;
  value: number;
}

/** The series of one device and gas in `tracked`, created when new. */
function seriesIn(tracked: Map<string, Tracked>, id: string, type: string): Tracked {
  const key = `${id}\u0000${type}`;
  let entry = tracked.get(key);
  if (!entry) {
    entry = { id, type, series: new ExposureSeries(), over: {} };
    tracked.set(key, entry);
  }
  return entry;
}

/** Stored values into their series, gases matched without regard to case. */
function addRows(tracked: Map<string, Tracked>, rows: ValueRow[]): Map<string, Tracked> {
  for (const row of rows) {
    seriesIn(tracked, row.device_id, row.type.toUpperCase()).series.add(
      Number(row.ts),
      Number(row.value),
    );
  }
  return tracked;
}

/**
 * Gas exposure per device (SPEC 10.1), in memory, fed by every stored reading of a gas with
 * limits, from any instance (the live bus carries them all), and rebuilt from the database at
 * start, so a restart in the middle of a shift gives the same numbers. Changed values go out as
 * `exposure` events within a second; every 10 s all series are looked at again, since values
 * fall as time passes without readings.
 */
@Injectable()
export class ExposureService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ExposureService.name);
  private readonly tracked = new Map<string, Tracked>();
  private readonly dirty = new Set<Tracked>();
  /**
   * Memory holds the readings from this moment on (Unix seconds); older questions go to the
   * database. Older readings no computation from memory can reach, now or later: a backlog from
   * last week is stored but not held. Kept, they filled memory by the hundred thousand between
   * two prunes (50 MB of heap while 1,000,000 readings of last month came in).
   */
  private heldFrom = -Infinity;
  /** Whether memory holds the stored readings too (the rebuild at start is done). */
  private rebuilt = false;
  private unsubscribe?: () => void;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly monitor: MonitorService,
    private readonly alerts: AlertsService,
  ) {}

  async onModuleInit(): Promise<void> {
    // Subscribed before the rebuild: a reading seen twice is harmless (a minute's highest and
    // last stay the same), one missed is not.
    const since = this.windowStart(this.clock.seconds());
    this.heldFrom = since;
    this.unsubscribe = this.monitor.subscribe((message) => {
      if (message.event === 'update_data') {
        this.take(message.data as StoredReading);
      }
    });
    addRows(this.tracked, await this.readingsSince(since));
    this.rebuilt = true;
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /** Exposure of every device (or one) as of `at`, default now; each gas with limits. */
  async list(id?: string, at = this.clock.seconds()): Promise<ExposureJson[]> {
    const midnight = localMidnight(at * 1000) / 1000;
    // a moment older than memory holds (`at` yesterday) is computed from the stored readings
    const entries =
      this.rebuilt && this.windowStart(at) >= this.heldFrom
        ? [...this.tracked.values()].filter((entry) => id === undefined || entry.id === id)
        : addRows(new Map(), await this.readingsSince(this.windowStart(at), at, id)).values();
    return [...entries]
      .map((entry) => this.toJson(entry.id, entry.type, entry.series, at, midnight))
      .sort((a, b) => a.id.localeCompare(b.id) || a.type.localeCompare(b.type));
  }

  @Interval(1000)
  sendChanged(): void {
    const now = this.clock.seconds();
    for (const entry of this.dirty) {
      this.check(entry, now);
    }
    this.dirty.clear();
  }

  @Interval(10000)
  refresh(): void {
    const now = this.clock.seconds();
    const firstMinute = Math.floor(this.windowStart(now) / 60);
    for (const [key, entry] of this.tracked) {
      entry.series.prune(firstMinute);
      this.check(entry, now);
      if (entry.series.empty) {
        this.tracked.delete(key);
      }
    }
    this.heldFrom = Math.max(this.heldFrom, firstMinute * 60);
  }

  private take(reading: StoredReading): void {
    if (reading.ts < this.heldFrom) {
      return;
    }
    for (const sensor of reading.sensors) {
      const type = sensor.type.toUpperCase();
      if (this.config.alertRules.exposure[type]) {
        const entry = seriesIn(this.tracked, reading.id, type);
        entry.series.add(reading.ts, sensor.val);
        this.dirty.add(entry);
      }
    }
  }

  /** Sends the values when they changed, and raises or resolves the limit alerts. */
  private check(entry: Tracked, now: number): void {
    const json = this.toJson(entry.id, entry.type, entry.series, now);
    // everything but `at`, which changes every time
    const text = JSON.stringify([json.twa8h, json.stel, json.stelMax, json.peak]);
    if (text !== entry.sent) {
      entry.sent = text;
      this.monitor.publish('exposure', json);
    }
    for (const change of exposureAlerts(json, entry.over)) {
      entry.over[change.limit] = change.over;
      const done = change.signal
        ? this.alerts.raise(change.signal)
        : this.alerts.resolveOpen(change.rule, change.subject);
      done.catch((error: unknown) =>
        this.logger.error(`Exposure alert ${change.rule} for ${change.subject}: ${String(error)}`),
      );
    }
  }

  private toJson(
    id: string,
    type: string,
    series: ExposureSeries,
    at: number,
    midnight = localMidnight(at * 1000) / 1000,
  ): ExposureJson {
    const values = series.valuesAt(at, midnight, this.config.exposureHoldSeconds);
    return {
      id,
      type,
      twa8h: round(values.twa8h),
      stel: round(values.stel),
      stelMax: round(values.stelMax),
      peak: round(values.peak),
      limits: this.config.alertRules.exposure[type] ?? {},
      at,
    };
  }

  /** The first reading a computation at `at` can reach: the TWA window or local midnight, less the STEL window and the hold. */
  private windowStart(at: number): number {
    const firstMinute =
      Math.min(
        Math.floor(localMidnight(at * 1000) / 60000),
        Math.floor(at / 60) - TWA_MINUTES + 1,
      ) -
      STEL_MINUTES +
      1;
    return firstMinute * 60 - this.config.exposureHoldSeconds - 60;
  }

  /** Stored values of the gases with limits from `since` up to the end of the minute holding `until`. */
  private readingsSince(since: number, until = Infinity, id?: string): Promise<ValueRow[]> {
    const types = Object.keys(this.config.alertRules.exposure);
    if (types.length === 0) {
      return Promise.resolve([]);
    }
    const query = this.dataSource
      .getRepository(SensorValue)
      .createQueryBuilder('v')
      .select(['v.deviceId AS device_id', 'v.type AS type', 'v.ts AS ts', 'v.value AS value'])
      .where('v.ts >= :since AND v.ts < :end AND UPPER(v.type) IN (:...types)', {
        since,
        end: Number.isFinite(until) ? (Math.floor(until / 60) + 1) * 60 : 1e12,
        types,
      });
    if (id !== undefined) {
      query.andWhere('v.deviceId = :id', { id });
    }
    return query.orderBy('v.ts').getRawMany();
  }
}
