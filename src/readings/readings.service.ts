import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, Repository, type SelectQueryBuilder } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import type { ReadingFilterQuery, SeriesQuery } from './dto/reading-queries.dto.js';
import { decodeCursor, encodeCursor } from './reading-cursor.js';
import { ReadingRollup } from './reading-rollup.entity.js';
import type { ReadingSource, StoredReading } from './reading.js';
import { SensorData } from './sensor-data.entity.js';
import { SensorValue } from './sensor-value.entity.js';
import { rawSeriesPoints, rollupSeriesPoints } from './series-queries.js';
import { planSeries, type Series } from './series.js';

export interface ReadingsPage {
  items: StoredReading[];
  nextCursor: string | null;
}

const MAX_LATEST_DEVICES = 1000;
/** The widest range a series may span: 20 years. */
const MAX_SERIES_SECONDS = 20 * 366 * 86400;

export function toStoredReading(row: SensorData): StoredReading {
  return {
    readingId: Number(row.id),
    id: row.deviceId,
    ts: row.ts,
    pct: row.pct,
    sensors: JSON.parse(row.sensors),
    receivedAt: row.receivedAt,
    source: row.source as ReadingSource,
    gateway: row.gateway,
  };
}

/** sensor_data's columns under SensorData's property names, for hand-written reads. */
const READING_COLUMNS =
  'id, device_id AS "deviceId", ts, pct, sensors, received_at AS "receivedAt", source, gateway';

/** Read side of readings; the write side is ReadingWriter. */
@Injectable()
export class ReadingsService {
  constructor(
    @InjectRepository(SensorData) private readonly readings: Repository<SensorData>,
    @InjectRepository(SensorValue) private readonly values: Repository<SensorValue>,
    @InjectRepository(ReadingRollup) private readonly rollups: Repository<ReadingRollup>,
    private readonly tx: TransactionRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async latest(deviceId?: string): Promise<StoredReading> {
    // Hand-written: the hottest read of the API skips the query builder and entity mapping.
    const where = deviceId === undefined ? '' : `WHERE device_id = ${this.tx.param(1)}`;
    const [row] = (await this.readings.query(
      `SELECT ${READING_COLUMNS} FROM sensor_data ${where} ORDER BY ts DESC, id DESC LIMIT 1`,
      deviceId === undefined ? [] : [deviceId],
    )) as SensorData[];
    if (!row) {
      throw new NotFoundException(
        deviceId === undefined ? 'No readings yet' : `No readings from device ${deviceId}`,
      );
    }
    return toStoredReading(row);
  }

  /**
   * Readings received since `since`. The ts index bounds the scan to readings stamped within a
   * day before it, so a start-up count stays fast on years of data; a late batch of older
   * readings received today before a restart is the one thing it misses.
   */
  countReceivedSince(since: number): Promise<number> {
    return this.readings
      .createQueryBuilder('r')
      .where('r.ts >= :earliest AND r.receivedAt >= :since', { earliest: since - 86400, since })
      .getCount();
  }

  /** Readings with ts >= since, oldest first, continuing after (since, afterId) when given. */
  async since(
    since: number,
    limit: number,
    deviceId?: string,
    afterId?: number,
  ): Promise<StoredReading[]> {
    const query = this.readings.createQueryBuilder('r');
    if (afterId === undefined) {
      query.where('r.ts >= :since', { since });
    } else {
      query.where(
        new Brackets((q) =>
          q
            .where('r.ts > :since', { since })
            .orWhere('r.ts = :since AND r.id > :afterId', { afterId }),
        ),
      );
    }
    if (deviceId !== undefined) {
      query.andWhere('r.deviceId = :deviceId', { deviceId });
    }
    const rows = await query
      .orderBy('r.ts', 'ASC')
      .addOrderBy('r.id', 'ASC')
      .limit(limit)
      .getMany();
    return rows.map(toStoredReading);
  }

  /** Newest first, `limit` a page, continuing from `cursor`. */
  async page(filter: ReadingFilterQuery, limit: number, cursor?: string): Promise<ReadingsPage> {
    const query = this.filtered(filter).orderBy('r.ts', 'DESC').addOrderBy('r.id', 'DESC');
    if (cursor !== undefined) {
      const position = decodeCursor(cursor);
      if (!position) {
        throw new BadRequestException('cursor is not one this server gave out');
      }
      query.andWhere(
        new Brackets((q) =>
          q
            .where('r.ts < :cts', { cts: position.ts })
            .orWhere('r.ts = :cts AND r.id < :cid', { cid: position.readingId }),
        ),
      );
    }
    const rows = await query.limit(limit + 1).getMany();
    const items = rows.slice(0, limit).map(toStoredReading);
    const last = items.at(-1);
    const nextCursor =
      rows.length > limit && last ? encodeCursor({ ts: last.ts, readingId: last.readingId }) : null;
    return { items, nextCursor };
  }

  /** Oldest first, in pages of `pageSize`, at most `limit` readings: for the CSV download. */
  async *scan(
    filter: ReadingFilterQuery,
    limit: number,
    pageSize = 1000,
  ): AsyncGenerator<StoredReading[]> {
    let after: { ts: number; id: number } | null = null;
    let left = limit;
    while (left > 0) {
      const query = this.filtered(filter).orderBy('r.ts', 'ASC').addOrderBy('r.id', 'ASC');
      if (after) {
        const { ts, id } = after;
        query.andWhere(
          new Brackets((q) =>
            q.where('r.ts > :ats', { ats: ts }).orWhere('r.ts = :ats AND r.id > :aid', { aid: id }),
          ),
        );
      }
      const rows = await query.limit(Math.min(pageSize, left)).getMany();
      if (rows.length === 0) {
        return;
      }
      left -= rows.length;
      const last = rows[rows.length - 1];
      after = { ts: last.ts, id: Number(last.id) };
      yield rows.map(toStoredReading);
    }
  }

  /** The newest reading of each device, most recent first. */
  async latestPerDevice(): Promise<StoredReading[]> {
    const newestIds = this.readings
      .createQueryBuilder('x')
      .select('x.id')
      .where('x.deviceId = d.device_id')
      .orderBy('x.ts', 'DESC')
      .addOrderBy('x.id', 'DESC')
      .limit(1);
    const rows = await this.readings
      .createQueryBuilder('r')
      .where(
        `r.id IN (SELECT (${newestIds.getQuery()}) FROM (SELECT DISTINCT device_id FROM sensor_data) d)`,
      )
      .orderBy('r.ts', 'DESC')
      .addOrderBy('r.id', 'DESC')
      .limit(MAX_LATEST_DEVICES)
      .getMany();
    return rows.map(toStoredReading);
  }

  /**
   * Min, max, average and count per bucket, computed by the database: from the series index for
   * buckets under an hour, from the hourly roll-ups for longer ones (whole UTC hours) and for
   * any range reaching back past RETENTION_DAYS, whose raw values are gone.
   */
  async series(query: SeriesQuery, nowSeconds = Date.now() / 1000): Promise<Series> {
    const to = query.to ?? Math.ceil(nowSeconds);
    const from = query.from ?? to - 3600;
    if (!(to > from) || to - from > MAX_SERIES_SECONDS) {
      throw new BadRequestException('from must be before to, and the range at most 20 years');
    }
    const days = this.config.retentionDays;
    const rawSince = days === undefined ? -Infinity : nowSeconds - days * 86400;
    const plan = planSeries(from, to, query.points, rawSince);
    const subject = { id: query.id, type: query.type };
    const points = plan.hourly
      ? await rollupSeriesPoints(this.rollups, this.tx.dialect, subject, plan)
      : await rawSeriesPoints(this.values, this.tx.dialect, subject, plan);
    return { from: plan.from, to: plan.to, bucketSeconds: plan.bucketSeconds, points };
  }

  private filtered(filter: ReadingFilterQuery): SelectQueryBuilder<SensorData> {
    const query = this.readings.createQueryBuilder('r').where('1 = 1');
    if (filter.id !== undefined) {
      query.andWhere('r.deviceId = :deviceId', { deviceId: filter.id });
    }
    if (filter.from !== undefined) {
      query.andWhere('r.ts >= :from', { from: filter.from });
    }
    if (filter.to !== undefined) {
      query.andWhere('r.ts < :to', { to: filter.to });
    }
    if (filter.type !== undefined) {
      query.andWhere(
        // the value's key leads with the reading's device and time, so this is one seek
        `EXISTS (SELECT 1 FROM sensor_value sv WHERE sv.device_id = r.device_id
          AND sv.type = :type AND sv.ts = r.ts AND sv.reading_id = r.id)`,
        { type: filter.type },
      );
    }
    return query;
  }
}
