import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, Repository, type SelectQueryBuilder } from 'typeorm';
import { TransactionRunner } from '../database/transaction-runner.js';
import type { ReadingFilterQuery, SeriesQuery } from './dto/reading-queries.dto.js';
import { decodeCursor, encodeCursor } from './reading-cursor.js';
import type { ReadingSource, StoredReading } from './reading.js';
import { SensorData } from './sensor-data.entity.js';
import { SensorValue } from './sensor-value.entity.js';
import { bucketSecondsFor, bucketStart, type Series } from './series.js';

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

/** Read side of readings; the write side is ReadingWriter. */
@Injectable()
export class ReadingsService {
  constructor(
    @InjectRepository(SensorData) private readonly readings: Repository<SensorData>,
    @InjectRepository(SensorValue) private readonly values: Repository<SensorValue>,
    private readonly tx: TransactionRunner,
  ) {}

  async latest(deviceId?: string): Promise<StoredReading> {
    const query = this.readings
      .createQueryBuilder('r')
      .orderBy('r.ts', 'DESC')
      .addOrderBy('r.id', 'DESC');
    if (deviceId !== undefined) {
      query.where('r.deviceId = :deviceId', { deviceId });
    }
    const row = await query.limit(1).getOne();
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

  /** Min, max, average and count per bucket, computed by the database from the series index. */
  async series(query: SeriesQuery, nowSeconds = Date.now() / 1000): Promise<Series> {
    const to = query.to ?? Math.ceil(nowSeconds);
    const from = query.from ?? to - 3600;
    if (!(to > from) || to - from > MAX_SERIES_SECONDS) {
      throw new BadRequestException('from must be before to, and the range at most 20 years');
    }
    const bucketSeconds = bucketSecondsFor(from, to, query.points);
    // Integer division: CAST truncates in SQLite (ts >= from, so never negative); PostgreSQL rounds, so FLOOR.
    const bucket =
      this.tx.dialect === 'postgres'
        ? 'FLOOR((v.ts - :from) / :bucketSeconds)'
        : 'CAST((v.ts - :from) / :bucketSeconds AS INTEGER)';
    const rows: { b: number; min: number; max: number; avg: number; count: number }[] =
      await this.values
        .createQueryBuilder('v')
        .select(bucket, 'b')
        .addSelect('MIN(v.value)', 'min')
        .addSelect('MAX(v.value)', 'max')
        .addSelect('AVG(v.value)', 'avg')
        .addSelect('COUNT(*)', 'count')
        .where('v.deviceId = :id AND v.type = :type AND v.ts >= :from AND v.ts < :to', {
          id: query.id,
          type: query.type,
          from,
          to,
          bucketSeconds,
        })
        .groupBy('b')
        .orderBy('b', 'ASC')
        .getRawMany();
    return {
      from,
      to,
      bucketSeconds,
      points: rows.map((row) => ({
        t: bucketStart(from, bucketSeconds, Number(row.b)),
        min: Number(row.min),
        max: Number(row.max),
        avg: Number(row.avg),
        count: Number(row.count),
      })),
    };
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
        'EXISTS (SELECT 1 FROM sensor_value sv WHERE sv.reading_id = r.id AND sv.type = :type)',
        { type: filter.type },
      );
    }
    return query;
  }
}
