import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
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
    const result = this.tail.then(() => this.dataSource.transaction(work));
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Positional parameter `n` (1-based) in this dialect. */
  param(n: number): string {
    return this.dialect === 'postgres' ? `$${n}` : '?';
  }
}
