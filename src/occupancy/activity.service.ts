import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, Repository, type SelectQueryBuilder } from 'typeorm';
import { ActivityLog } from './activity-log.entity.js';
import type { ActivityEntry } from './facility-actions.js';

export interface ActivityRange {
  from?: number;
  to?: number;
}

function toEntry(row: ActivityLog): ActivityEntry {
  return {
    id: Number(row.id),
    at: row.at,
    deviceId: row.deviceId,
    command: row.command,
    text: row.text,
    occupancy: row.occupancy,
  };
}

/** Reads the activity log. */
@Injectable()
export class ActivityService {
  constructor(@InjectRepository(ActivityLog) private readonly log: Repository<ActivityLog>) {}

  /** Newest first. */
  async recent(range: ActivityRange, limit: number): Promise<ActivityEntry[]> {
    const rows = await this.inRange(range)
      .orderBy('a.at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .limit(limit)
      .getMany();
    return rows.map(toEntry);
  }

  /** Oldest first, in pages, at most `limit` entries: for the text download. */
  async *scan(
    range: ActivityRange,
    limit: number,
    pageSize = 2000,
  ): AsyncGenerator<ActivityEntry[]> {
    let after: { at: number; id: number } | null = null;
    let left = limit;
    while (left > 0) {
      const query = this.inRange(range).orderBy('a.at', 'ASC').addOrderBy('a.id', 'ASC');
      if (after) {
        const { at, id } = after;
        query.andWhere(
          new Brackets((q) =>
            q.where('a.at > :aat', { aat: at }).orWhere('a.at = :aat AND a.id > :aid', { aid: id }),
          ),
        );
      }
      const rows = (await query.limit(Math.min(pageSize, left)).getMany()).map(toEntry);
      if (rows.length === 0) {
        return;
      }
      left -= rows.length;
      after = rows[rows.length - 1];
      yield rows;
    }
  }

  private inRange(range: ActivityRange): SelectQueryBuilder<ActivityLog> {
    const query = this.log.createQueryBuilder('a').where('1 = 1');
    if (range.from !== undefined) {
      query.andWhere('a.at >= :from', { from: range.from });
    }
    if (range.to !== undefined) {
      query.andWhere('a.at < :to', { to: range.to });
    }
    return query;
  }
}
