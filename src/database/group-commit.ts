import { Logger, ServiceUnavailableException } from '@nestjs/common';
import { type Listener, Listeners } from '../common/listeners.js';
import { isDatabaseUnavailable } from './database-errors.js';

/** One finished transaction: for metrics and the database component. */
export interface CommitOutcome {
  items: number;
  seconds: number;
  ok: boolean;
  /** Why it failed, when it did. */
  error?: unknown;
}

/** Answers a committed group's jobs and runs its listeners. */
type Settle = () => void;

interface Job<TIn, TOut> {
  items: TIn[];
  resolve: (results: TOut[]) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions<TIn, TOut> {
  name: string;
  /** Items committed in one transaction at most; a larger queue is split over several. */
  maxGroup: number;
  /**
   * Stores `items` in one transaction and answers one result per item, in order, once it has
   * committed; rejects when nothing of them was stored.
   */
  commit: (items: TIn[]) => Promise<TOut[]>;
  /** Called with each group's results right after it committed, in commit order. */
  afterCommit?: (results: TOut[]) => void;
}

/**
 * Group commit. Jobs that arrive while a transaction is running wait together and go into
 * the next one, so a busy server shares one transaction among many while an idle one commits
 * each at once. A job's promise resolves only after its transaction committed; a job is
 * stored whole or not at all, and a failing job does not fail the others that shared its
 * transaction (each is retried alone). When the database itself is unavailable every job of
 * the group is rejected at once: retrying them one by one would only make each wait longer.
 */
export class GroupCommit<TIn, TOut> {
  private readonly logger: Logger;
  private readonly outcomes: Listeners<CommitOutcome>;
  private queue: Job<TIn, TOut>[] = [];
  private draining: Promise<void> | null = null;
  private closed = false;
  private uncommitted = 0;
  private transactions = 0;

  constructor(private readonly options: GroupCommitOptions<TIn, TOut>) {
    this.logger = new Logger(options.name);
    this.outcomes = new Listeners<CommitOutcome>(options.name);
  }

  /** Items accepted and not yet committed. */
  get waiting(): number {
    return this.uncommitted;
  }

  /** Transactions committed so far: far fewer than items under load. */
  get committedTransactions(): number {
    return this.transactions;
  }

  onOutcome(listener: Listener<CommitOutcome>): () => void {
    return this.outcomes.subscribe(listener);
  }

  submit(items: TIn[]): Promise<TOut[]> {
    if (this.closed) {
      return Promise.reject(new ServiceUnavailableException('sitewatch is shutting down'));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ items, resolve, reject });
      this.uncommitted += items.length;
      this.draining ??= this.drain();
    });
  }

  /** Refuses new jobs and waits until every accepted one is committed or failed. */
  async close(): Promise<void> {
    this.closed = true;
    await this.draining;
  }

  /**
   * Commits group after group. The next group's transaction starts before the previous one's
   * jobs are answered and its listeners run: on SQLite the database thread then works on it
   * while the main thread writes the answers, instead of waiting for them.
   */
  private async drain(): Promise<void> {
    let settle: Settle | null = null;
    for (;;) {
      const running = this.queue.length > 0 ? this.commit(this.takeGroup()) : null;
      const previous = settle;
      settle = null;
      previous?.();
      if (running) {
        settle = await running;
      } else if (this.queue.length === 0) {
        break;
      }
    }
    this.draining = null;
  }

  private takeGroup(): Job<TIn, TOut>[] {
    let count = 0;
    let n = 0;
    while (
      n < this.queue.length &&
      (n === 0 || count + this.queue[n].items.length <= this.options.maxGroup)
    ) {
      count += this.queue[n].items.length;
      n++;
    }
    return this.queue.splice(0, n);
  }

  /** Runs one transaction; resolves to what answers its jobs, to be called in commit order. */
  private async commit(jobs: Job<TIn, TOut>[]): Promise<Settle> {
    const items = jobs.flatMap((job) => job.items);
    const started = performance.now();
    let results: TOut[];
    try {
      results = await this.options.commit(items);
    } catch (error) {
      if (jobs.length > 1 && !isDatabaseUnavailable(error)) {
        for (const job of jobs) {
          (await this.commit([job]))();
        }
        return () => undefined;
      }
      this.fail(jobs, items.length, started, error);
      return () => undefined;
    }
    this.transactions++;
    this.finish(items.length, started, true);
    return () => {
      let offset = 0;
      for (const job of jobs) {
        job.resolve(results.slice(offset, offset + job.items.length));
        offset += job.items.length;
      }
      this.options.afterCommit?.(results);
    };
  }

  /** Nothing of `jobs` was committed: every one of them is rejected, none answered as stored. */
  private fail(jobs: Job<TIn, TOut>[], items: number, started: number, error: unknown): void {
    this.finish(items, started, false, error);
    this.logger.error(
      `Commit of ${items} item(s) in ${jobs.length} job(s) failed: ${String(error)}`,
    );
    jobs.forEach((job) => job.reject(error));
  }

  private finish(items: number, started: number, ok: boolean, error?: unknown): void {
    this.uncommitted -= items;
    this.outcomes.emit({ items, seconds: (performance.now() - started) / 1000, ok, error });
  }
}
