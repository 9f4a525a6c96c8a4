import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  ServiceUnavailableException,
} from '@nestjs/common';
import { type Listener, Listeners } from '../common/listeners.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import { insertReadings, type PendingReading } from './reading-inserts.js';
import type { ReadingInput, ReadingOrigin, StoredReading } from './reading.js';

/** One finished transaction of the write path: for metrics. */
export interface CommitOutcome {
  readings: number;
  seconds: number;
  ok: boolean;
}

interface WriteJob {
  pending: PendingReading[];
  resolve: (stored: StoredReading[]) => void;
  reject: (error: unknown) => void;
}

/** Readings committed in one transaction at most; a larger queue is split over several. */
const MAX_GROUP_READINGS = 2000;

/**
 * The one write path for readings: group commit. Callers that arrive while a transaction is
 * running wait together and go into the next one, so a busy server commits hundreds of readings
 * per transaction while an idle one commits each at once. A promise resolves only after its
 * transaction committed; a job (one request, one batch) is stored whole or not at all.
 */
@Injectable()
export class ReadingWriter implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ReadingWriter.name);
  private readonly committed = new Listeners<StoredReading>(ReadingWriter.name);
  private readonly outcomes = new Listeners<CommitOutcome>(ReadingWriter.name);
  private queue: WriteJob[] = [];
  private draining: Promise<void> | null = null;
  private closed = false;
  private uncommitted = 0;
  private transactions = 0;

  constructor(private readonly tx: TransactionRunner) {}

  /** Calls `listener` with every reading right after its transaction committed. */
  onCommitted(listener: Listener<StoredReading>): () => void {
    return this.committed.subscribe(listener);
  }

  /** Calls `listener` after every transaction, committed or failed. */
  onOutcome(listener: Listener<CommitOutcome>): () => void {
    return this.outcomes.subscribe(listener);
  }

  /** Transactions committed so far: far fewer than readings under load (group commit). */
  get committedTransactions(): number {
    return this.transactions;
  }

  /** Readings accepted and not yet committed. */
  get waiting(): number {
    return this.uncommitted;
  }

  write(readings: ReadingInput[], origin: ReadingOrigin): Promise<StoredReading[]> {
    if (this.closed) {
      return Promise.reject(new ServiceUnavailableException('sitewatch is shutting down'));
    }
    const receivedAt = Date.now() / 1000;
    return new Promise((resolve, reject) => {
      this.queue.push({
        pending: readings.map((reading) => ({ reading, origin, receivedAt })),
        resolve,
        reject,
      });
      this.uncommitted += readings.length;
      this.draining ??= this.drain();
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.closed = true;
    await this.draining;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      await this.commit(this.takeGroup());
    }
    this.draining = null;
  }

  private takeGroup(): WriteJob[] {
    let count = 0;
    let n = 0;
    while (
      n < this.queue.length &&
      (n === 0 || count + this.queue[n].pending.length <= MAX_GROUP_READINGS)
    ) {
      count += this.queue[n].pending.length;
      n++;
    }
    return this.queue.splice(0, n);
  }

  private async commit(jobs: WriteJob[]): Promise<void> {
    const pending = jobs.flatMap((job) => job.pending);
    const started = performance.now();
    let stored: StoredReading[];
    try {
      stored = await this.tx.run((manager) => insertReadings(manager, this.tx, pending));
    } catch (error) {
      if (jobs.length > 1) {
        // One bad job must not fail the others that shared its transaction: retry each alone.
        for (const job of jobs) {
          await this.commit([job]);
        }
        return;
      }
      this.uncommitted -= pending.length;
      this.logger.error(`Commit of ${pending.length} reading(s) failed: ${String(error)}`);
      this.outcomes.emit({
        readings: pending.length,
        seconds: (performance.now() - started) / 1000,
        ok: false,
      });
      jobs[0].reject(error);
      return;
    }
    this.uncommitted -= pending.length;
    this.transactions++;
    this.outcomes.emit({
      readings: pending.length,
      seconds: (performance.now() - started) / 1000,
      ok: true,
    });
    let offset = 0;
    for (const job of jobs) {
      job.resolve(stored.slice(offset, offset + job.pending.length));
      offset += job.pending.length;
    }
    stored.forEach((reading) => this.committed.emit(reading));
  }
}
