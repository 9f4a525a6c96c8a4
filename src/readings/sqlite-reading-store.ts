import type { DataSource } from 'typeorm';
import type { TransactionRunner } from '../database/transaction-runner.js';
import { isUniqueViolation } from '../database/unique-violation.js';
import { type PendingReading, readingScript } from './reading-inserts.js';
import type { StoredReading } from './reading.js';

/**
 * How readings are stored on SQLite: the writer numbers them itself, so every statement of a
 * transaction is written before it starts and the whole transaction goes to the database
 * thread at once (TransactionRunner.script). One process owns a SQLite file, so the next id is
 * the table's highest plus what this writer has stored since it looked.
 */
export class SqliteReadingStore {
  /** The id of the next reading; unknown until read from the table, and after a failure. */
  private nextId: number | undefined;

  constructor(
    private readonly tx: TransactionRunner,
    private readonly dataSource: DataSource,
  ) {}

  async store(pending: PendingReading[]): Promise<StoredReading[]> {
    try {
      return await this.attempt(pending);
    } catch (error) {
      // a reading stored some other way since this writer looked took an id it counted on
      if (!isUniqueViolation(error)) {
        throw error;
      }
      return this.attempt(pending);
    }
  }

  private async attempt(pending: PendingReading[]): Promise<StoredReading[]> {
    let stored: StoredReading[] = [];
    await this.tx.script(
      async () => {
        const first = this.nextId ?? (await this.highestId()) + 1;
        const script = readingScript(pending, first);
        this.nextId = first + pending.length;
        stored = script.stored;
        return script.statements;
      },
      () => (this.nextId = undefined),
    );
    return stored;
  }

  private async highestId(): Promise<number> {
    const [row]: { id: number }[] = await this.dataSource.query(
      'SELECT COALESCE(MAX(id), 0) AS id FROM sensor_data',
    );
    return Number(row.id);
  }
}
