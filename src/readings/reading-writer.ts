import { type BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { type Listener, Listeners } from '../common/listeners.js';
import { type CommitOutcome, GroupCommit } from '../database/group-commit.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import { insertReadings, type PendingReading } from './reading-inserts.js';
import type { ReadingInput, ReadingOrigin, StoredReading } from './reading.js';
import { SqliteReadingStore } from './sqlite-reading-store.js';

/** Readings committed in one transaction at most. */
const MAX_GROUP_READINGS = 2000;

/**
 * The one write path for readings, with group commit: a promise resolves only after its
 * transaction committed; one request (or one batch) is stored whole or not at all.
 */
@Injectable()
export class ReadingWriter implements BeforeApplicationShutdown {
  private readonly committed = new Listeners<StoredReading>(ReadingWriter.name);
  private readonly group: GroupCommit<PendingReading, StoredReading>;

  constructor(tx: TransactionRunner, @InjectDataSource() dataSource: DataSource) {
    const sqlite = tx.dialect === 'sqlite' ? new SqliteReadingStore(tx, dataSource) : null;
    this.group = new GroupCommit({
      name: ReadingWriter.name,
      maxGroup: MAX_GROUP_READINGS,
      commit: (pending) =>
        sqlite ? sqlite.store(pending) : tx.run((manager) => insertReadings(manager, tx, pending)),
      afterCommit: (stored) => stored.forEach((reading) => this.committed.emit(reading)),
    });
  }

  write(readings: ReadingInput[], origin: ReadingOrigin): Promise<StoredReading[]> {
    const receivedAt = Date.now() / 1000;
    return this.group.submit(readings.map((reading) => ({ reading, origin, receivedAt })));
  }

  /** Calls `listener` with every reading right after its transaction committed. */
  onCommitted(listener: Listener<StoredReading>): () => void {
    return this.committed.subscribe(listener);
  }

  /** Calls `listener` after every transaction, committed or failed. */
  onOutcome(listener: Listener<CommitOutcome>): () => void {
    return this.group.onOutcome(listener);
  }

  get committedTransactions(): number {
    return this.group.committedTransactions;
  }

  /** Readings accepted and not yet committed. */
  get waiting(): number {
    return this.group.waiting;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.group.close();
    // Let the answers of the last group reach their sockets before connections are closed.
    await new Promise((resolve) => setImmediate(resolve));
  }
}
