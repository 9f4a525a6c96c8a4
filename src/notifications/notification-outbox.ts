import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, In, Repository } from 'typeorm';
import { TransactionRunner } from '../database/transaction-runner.js';
import { Notification, type NotificationState } from './notification.entity.js';
import { NotificationTotal } from './notification-total.entity.js';

export interface OutboxCounts {
  sent: number;
  failed: number;
  waiting: number;
}

export interface NewNotification {
  url: string;
  key: string;
  body: string;
}

// Sent rows are only history (the totals keep the count); failed ones stay longer for a look.
const KEEP_SENT_SECONDS = 7 * 86400;
const KEEP_FAILED_SECONDS = 30 * 86400;
const PRUNE_BATCH = 500;

/**
 * The stored outbox. Every write goes through the TransactionRunner (on SQLite a write outside
 * it would land in whatever transaction holds the shared connection). A row changes state only
 * while pending, so a late worker whose lease ran out cannot undo another's result.
 */
@Injectable()
export class NotificationOutbox {
  constructor(
    @InjectRepository(Notification) private readonly rows: Repository<Notification>,
    @InjectRepository(NotificationTotal) private readonly totals: Repository<NotificationTotal>,
    private readonly tx: TransactionRunner,
  ) {}

  /** Inside the alert's transaction; a key already queued for a URL is left as it is. */
  async add(manager: EntityManager, items: NewNotification[], now: number): Promise<void> {
    if (items.length === 0) {
      return;
    }
    await manager
      .createQueryBuilder()
      .insert()
      .into(Notification)
      .values(
        items.map(({ url, key, body }) => ({
          url,
          idempotencyKey: key,
          body,
          state: 'pending' as const,
          attempts: 0,
          nextAttemptAt: now,
          createdAt: now,
          lastError: null,
          sentAt: null,
        })),
      )
      .orIgnore()
      .execute();
  }

  /**
   * Takes up to `limit` due rows for `urls` and leases them until `leaseUntil` by pushing their
   * next attempt out, in one short transaction. On PostgreSQL, SKIP LOCKED lets several
   * instances claim side by side without taking the same row; SQLite has one instance.
   */
  async claim(
    urls: string[],
    limit: number,
    now: number,
    leaseUntil: number,
  ): Promise<Notification[]> {
    return this.tx.run(async (manager) => {
      const query = manager
        .getRepository(Notification)
        .createQueryBuilder('n')
        .where(`n.state = 'pending'`)
        .andWhere('n.nextAttemptAt <= :now', { now })
        .andWhere('n.url IN (:...urls)', { urls })
        .orderBy('n.nextAttemptAt', 'ASC')
        .addOrderBy('n.id', 'ASC')
        .limit(limit);
      if (this.tx.dialect === 'postgres') {
        query.setLock('pessimistic_write').setOnLocked('skip_locked');
      }
      const due = await query.getMany();
      if (due.length > 0) {
        await manager.update(
          Notification,
          { id: In(due.map((n) => n.id)) },
          { nextAttemptAt: leaseUntil },
        );
      }
      return due.map((n) => ({ ...n, id: Number(n.id) }));
    });
  }

  async markSent(id: number, now: number): Promise<void> {
    await this.finish(id, { state: 'sent', sentAt: now, lastError: null }, 'sent');
  }

  async markFailed(id: number, error: string): Promise<void> {
    await this.finish(id, { state: 'failed', lastError: error }, 'failed');
  }

  async scheduleRetry(id: number, nextAttemptAt: number, error: string): Promise<void> {
    await this.finish(id, { nextAttemptAt, lastError: error });
  }

  /** Gives a leased row back untried (shutting down): due at once, no attempt counted. */
  async release(id: number, now: number): Promise<void> {
    await this.tx.run((manager) =>
      manager.update(Notification, { id, state: 'pending' }, { nextAttemptAt: now }),
    );
  }

  /**
   * Pending rows for URLs this instance does not have, created before `createdBefore`, fail:
   * a URL taken out of the configuration (or only another instance's) keeps its rows until then.
   */
  async failUnconfigured(urls: string[], createdBefore: number, reason: string): Promise<number> {
    return this.tx.run(async (manager) => {
      const query = manager
        .createQueryBuilder()
        .update(Notification)
        .set({ state: 'failed', lastError: reason })
        .where(`state = 'pending'`)
        .andWhere('created_at < :createdBefore', { createdBefore });
      if (urls.length > 0) {
        query.andWhere('url NOT IN (:...urls)', { urls });
      }
      const affected = (await query.execute()).affected ?? 0;
      if (affected > 0) {
        await manager.increment(NotificationTotal, { state: 'failed' }, 'total', affected);
      }
      return affected;
    });
  }

  async counts(): Promise<OutboxCounts> {
    const [totals, waiting] = await Promise.all([
      this.totals.find(),
      this.rows.count({ where: { state: 'pending' } }),
    ]);
    const total = (state: NotificationState) =>
      Number(totals.find((t) => t.state === state)?.total ?? 0);
    return { sent: total('sent'), failed: total('failed'), waiting };
  }

  /** Deletes old sent and failed rows in small transactions, so ingest never waits long. */
  async prune(now: number): Promise<number> {
    let removed = 0;
    for (;;) {
      const batch = await this.tx.run(async (manager) => {
        const old = await manager
          .getRepository(Notification)
          .createQueryBuilder('n')
          .select('n.id', 'id')
          .where(`(n.state = 'sent' AND n.sentAt < :sentBefore)`, {
            sentBefore: now - KEEP_SENT_SECONDS,
          })
          .orWhere(`(n.state = 'failed' AND n.createdAt < :failedBefore)`, {
            failedBefore: now - KEEP_FAILED_SECONDS,
          })
          .limit(PRUNE_BATCH)
          .getRawMany<{ id: number }>();
        if (old.length > 0) {
          await manager.delete(Notification, { id: In(old.map((row) => Number(row.id))) });
        }
        return old.length;
      });
      removed += batch;
      if (batch < PRUNE_BATCH) {
        return removed;
      }
    }
  }

  /** One attempt's result on a row still pending; the totals move in the same transaction. */
  private async finish(
    id: number,
    changes: Partial<Omit<Notification, 'id' | 'attempts'>>,
    total?: 'sent' | 'failed',
  ): Promise<void> {
    await this.tx.run(async (manager) => {
      const { affected } = await manager
        .createQueryBuilder()
        .update(Notification)
        .set({ ...changes, attempts: () => 'attempts + 1' })
        .where('id = :id AND state = :pending', { id, pending: 'pending' })
        .execute();
      if (total && affected) {
        await manager.increment(NotificationTotal, { state: total }, 'total', 1);
      }
    });
  }
}
