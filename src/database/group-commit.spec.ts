import { Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type CommitOutcome, GroupCommit } from './group-commit.js';
import type { TransactionRunner } from './transaction-runner.js';

const refused = (): Error =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

/**
 * A transaction runner whose transactions wait for `release()` (so jobs pile up into one
 * group) and then fail with `failure` or commit `committed`.
 */
class FakeTransactions {
  readonly committed: string[][] = [];
  failure: ((items: string[]) => Error | undefined) | undefined;
  private gate: Promise<void> = Promise.resolve();
  private open: () => void = () => undefined;

  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }

  release(): void {
    this.open();
  }

  runner(): TransactionRunner {
    return {
      run: async <T>(work: (manager: EntityManager) => Promise<T>): Promise<T> => {
        await this.gate;
        const written = (await work({} as EntityManager)) as string[];
        const error = this.failure?.(written);
        if (error) {
          throw error;
        }
        this.committed.push(written);
        return written as T;
      },
    } as TransactionRunner;
  }
}

function setUp(): {
  fake: FakeTransactions;
  group: GroupCommit<string, string>;
  outcomes: CommitOutcome[];
} {
  const fake = new FakeTransactions();
  const runner = fake.runner();
  const group = new GroupCommit<string, string>({
    name: 'test',
    maxGroup: 100,
    commit: (items) => runner.run(async () => items),
  });
  const outcomes: CommitOutcome[] = [];
  group.onOutcome((outcome) => outcomes.push(outcome));
  return { fake, group, outcomes };
}

describe(GroupCommit.name, () => {
  // The failures below are on purpose; their error logs would only be noise.
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(true));

  it('rejects every job of a group when the database is unavailable, then commits again', async () => {
    const { fake, group, outcomes } = setUp();
    fake.hold();
    const first = group.submit(['a']);
    const waiting = ['b', 'c', 'd'].map((item) => group.submit([item]));
    fake.failure = refused;
    fake.release();

    const settled = await Promise.allSettled([first, ...waiting]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
    expect(fake.committed).toEqual([]);
    // Two transactions (the first job alone, then the three that waited), no retry one by one.
    expect(outcomes.map(({ items, ok }) => ({ items, ok }))).toEqual([
      { items: 1, ok: false },
      { items: 3, ok: false },
    ]);
    expect((outcomes[1].error as { code: string }).code).toBe('ECONNREFUSED');
    expect(group.waiting).toBe(0);

    fake.failure = undefined;
    await expect(group.submit(['e'])).resolves.toEqual(['e']);
    expect(fake.committed).toEqual([['e']]);
  });

  it('retries each job alone when one job of a group is bad, so the others are stored', async () => {
    const { fake, group } = setUp();
    fake.hold();
    const first = group.submit(['a']);
    const waiting = ['b', 'bad', 'c'].map((item) => group.submit([item]));
    fake.failure = (items) => (items.includes('bad') ? new Error('CHECK failed') : undefined);
    fake.release();

    const settled = await Promise.allSettled([first, ...waiting]);
    expect(settled.map((s) => s.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect(fake.committed).toEqual([['a'], ['b'], ['c']]);
  });

  it('never resolves a job whose commit failed', async () => {
    const { fake, group } = setUp();
    fake.failure = () =>
      Object.assign(new Error('terminating connection due to administrator command'), {
        code: '57P01',
      });
    await expect(group.submit(['a', 'b'])).rejects.toThrow('administrator command');
    expect(group.waiting).toBe(0);
  });

  it('starts the next transaction before answering a committed group, and answers in order', async () => {
    const events: string[] = [];
    const fake = new FakeTransactions();
    const runner = fake.runner();
    const group = new GroupCommit<string, string>({
      name: 'test',
      maxGroup: 100,
      commit: (items) => {
        events.push('transaction');
        return runner.run(async () => items);
      },
      afterCommit: (results) => events.push(`listeners ${results.join()}`),
    });
    fake.hold();
    const first = group.submit(['a']).then(() => events.push('answered a'));
    const second = group.submit(['b']).then(() => events.push('answered b'));
    fake.release();
    await Promise.all([first, second]);
    expect(events).toEqual([
      'transaction',
      'transaction', // b's transaction starts before a is answered
      'listeners a',
      'answered a',
      'listeners b',
      'answered b',
    ]);
    expect(fake.committed).toEqual([['a'], ['b']]);
  });
});
