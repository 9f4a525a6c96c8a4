import type { DataSource } from 'typeorm';
import { againIfIdTaken, TableIds } from '../database/table-ids.js';
import type { TransactionRunner } from '../database/transaction-runner.js';
import { type PendingReading, readingScript } from './reading-inserts.js';
import type { StoredReading } from './reading.js';

/**
 * How readings are stored on SQLite: the writer numbers them itself (TableIds), so every
 * statement of a transaction is written before it starts and the whole transaction goes to the
 * database thread at once (TransactionRunner.script).
 */
export class SqliteReadingStore {
  private readonly ids: TableIds;

  constructor(
    private readonly tx: TransactionRunner,
    dataSource: DataSource,
  ) {
    this.ids = new TableIds(dataSource, 'sensor_data');
  }

  store(pending: PendingReading[]): Promise<StoredReading[]> {
    return againIfIdTaken(() => this.attempt(pending));
  }

  private async attempt(pending: PendingReading[]): Promise<StoredReading[]> {
    let stored: StoredReading[] = [];
    await this.tx.script(
      async () => {
        const script = readingScript(pending, await this.ids.take(pending.length));
        stored = script.stored;
        return script.statements;
      },
      () => this.ids.forget(),
    );
    return stored;
  }
}
