import { isUniqueViolation } from './unique-violation.js';

interface Queryable {
  query(sql: string): Promise<unknown>;
}

/**
 * Ids that a SQLite writer hands out itself, so that every statement of a transaction is
 * written before it starts (TransactionRunner.script). One process owns a SQLite file, so the
 * next id is the table's highest plus what this writer has taken since it looked; after a
 * transaction that did not commit, `forget` makes it look again.
 */
export class TableIds {
  private next: number | undefined;

  constructor(
    private readonly db: Queryable,
    private readonly table: string,
  ) {}

  /** The first of `count` ids, taken. */
  async take(count: number): Promise<number> {
    const first = this.next ?? (await this.highest()) + 1;
    this.next = first + count;
    return first;
  }

  forget(): void {
    this.next = undefined;
  }

  private async highest(): Promise<number> {
    const [row] = (await this.db.query(`SELECT COALESCE(MAX(id), 0) AS id FROM ${this.table}`)) as {
      id: number;
    }[];
    return Number(row.id);
  }
}

/** `attempt`, once more if a row stored some other way took an id this writer counted on. */
export async function againIfIdTaken<T>(attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    if (!isUniqueViolation(error)) {
      throw error;
    }
    return attempt();
  }
}
