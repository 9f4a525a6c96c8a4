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
  /** Readings before this (Unix seconds) may be missing from memory: older questions go to the database. */
  private heldFrom = Infinity;
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
    this.unsubscribe = this.monitor.subscribe((message) => {
      if (message.event === 'update_data') {
        this.take(message.data as StoredReading);
      }
    });
    const since = this.windowStart(this.clock.seconds());
    for (const row of await this.readingsSince(since)) {
      this.seriesOf(row.device_id, row.type.toUpperCase()).series.add(row.ts, row.value);
    }
    this.heldFrom = since;
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /** Exposure of every device (or one) as of `at`, default now; each gas with limits. */
  async list(id?: string, at = this.clock.seconds()): Promise<ExposureJson[]> {
    const midnight = localMidnight(at * 1000) / 1000;
    if (this.windowStart(at) >= this.heldFrom) {
      return [...this.tracked.values()]
        .filter((entry) => id === undefined || entry.id === id)
        .map((entry) => this.toJson(entry.id, entry.type, entry.series, at, midnight))
        .sort((a, b) => a.id.localeCompare(b.id) || a.type.localeCompare(b.type));
    }
    return this.fromDatabase(id, at, midnight);
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
    for (const sensor of reading.sensors) {
      const type = sensor.type.toUpperCase();
      if (this.config.alertRules.exposure[type]) {
        const entry = this.seriesOf(reading.id, type);
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

  private seriesOf(id: string, type: string): Tracked {
    const key = `${id}\u0000${type}`;
    let entry = this.tracked.get(key);
    if (!entry) {
      entry = { id, type, series: new ExposureSeries(), over: {} };
      this.tracked.set(key, entry);
    }
    return entry;
  }

  /** A question about a moment older than memory holds: computed from the stored readings. */
  private async fromDatabase(
    id: string | undefined,
    at: number,
    midnight: number,
  ): Promise<ExposureJson[]> {
    const series = new Map<string, { id: string; type: string; series: ExposureSeries }>();
    for (const row of await this.readingsSince(this.windowStart(at), at, id)) {
      const type = row.type.toUpperCase();
      const key = `${row.device_id}\u0000${type}`;
      if (!series.has(key)) {
        series.set(key, { id: row.device_id, type, series: new ExposureSeries() });
      }
      series.get(key)!.series.add(row.ts, row.value);
    }
    return [...series.values()]
      .map((entry) => this.toJson(entry.id, entry.type, entry.series, at, midnight))
      .sort((a, b) => a.id.localeCompare(b.id) || a.type.localeCompare(b.type));
  }

  /** Stored values of the gases with limits from `since` up to the end of the minute holding `until`. */
  private readingsSince(
    since: number,
    until = Infinity,
    id?: string,
  ): Promise<{ device_id: string; type: string; ts: number; value: number }[]> {
    const types = Object.keys(this.config.alertRules.exposure);
    if (types.length === 0) {
      return Promise.resolve([]);
    }
    const postgres = this.dataSource.options.type === 'postgres';
    const p = (n: number) => (postgres ? `$${n}` : '?');
    const params: unknown[] = [
      since,
      Number.isFinite(until) ? (Math.floor(until / 60) + 1) * 60 : 1e12,
    ];
    const typeList = types.map((type) => {
      params.push(type);
      return p(params.length);
    });
    let sql = `SELECT device_id, type, ts, value FROM sensor_value
      WHERE ts >= ${p(1)} AND ts < ${p(2)} AND UPPER(type) IN (${typeList.join(', ')})`;
    if (id !== undefined) {
      params.push(id);
      sql += ` AND device_id = ${p(params.length)}`;
    }
    return this.dataSource.query(`${sql} ORDER BY ts`, params);
  }
}
