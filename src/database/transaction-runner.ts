import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type sqlite3 from 'sqlite3';
import { DataSource, type EntityManager } from 'typeorm';

export type Dialect = 'sqlite' | 'postgres';

/**
 * Runs write transactions. TypeORM's SQLite driver shares one connection between all query
 * runners, so two overlapping transactions there would nest into each other; on SQLite every
 * write transaction therefore waits its turn. PostgreSQL has a pool and runs them side by side.
 */
@Injectable()
export class TransactionRunner {
  readonly dialect: Dialect;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.dialect = dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite';
  }

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.dialect === 'postgres') {
      return this.dataSource.transaction(work);
    }
    return this.inTurn(() => this.dataSource.transaction(work));
  }

  /**
   * SQLite only: the statements `build` answers, run as one transaction in a single call to the
   * database thread, in turn with every other write transaction. TypeORM sends BEGIN, each
   * statement and COMMIT one at a time, and between two of them the database thread waits for
   * the main thread, which under load is busy parsing and answering: for batches of readings
   * this is a fifth faster. `build` runs in turn too, so it may read what committed before it;
   * `failed` runs before the next transaction's turn when this one did not commit, whether
   * `build` threw (nothing was sent) or the database refused it.
   */
  script(build: () => Promise<string[]>, failed?: (error: unknown) => void): Promise<void> {
    if (this.dialect !== 'sqlite') {
      return Promise.reject(new Error('TransactionRunner.script is for SQLite'));
    }
    return this.inTurn(async () => {
      let statements: string[];
      try {
        statements = await build();
      } catch (error) {
        failed?.(error);
        throw error;
      }
      try {
        await this.exec(`BEGIN;\n${statements.join(';\n')};\nCOMMIT;`);
      } catch (error) {
        failed?.(error);
        // a statement failed inside the transaction, or COMMIT did: nothing of it may stay
        await this.exec('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  /** Positional parameter `n` (1-based) in this dialect. */
  param(n: number): string {
    return this.dialect === 'postgres' ? `$${n}` : '?';
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.catch(() => undefined);
    return result;
  }

  private exec(sql: string): Promise<void> {
    const { databaseConnection } = this.dataSource.driver as unknown as {
      databaseConnection: sqlite3.Database;
    };
    return new Promise((resolve, reject) =>
      databaseConnection.exec(sql, (error) => (error ? reject(error) : resolve())),
    );
  }
}
