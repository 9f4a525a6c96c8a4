import type { EntityManager } from 'typeorm';
import { EXACT_REAL_SQL, exactReal } from '../database/exact-real.js';
import { sqliteInsertSql, sqlText } from '../database/insert-rows.js';
import type { TransactionRunner } from '../database/transaction-runner.js';
import { isUniqueViolation } from '../database/unique-violation.js';
import type { FacilityAction } from './facility-actions.js';
import {
  ACTIVITY_COLUMNS,
  type ActionResult,
  activityRows,
  applyToRow,
  OCCUPANCY_ROW_SQL,
  type OccupancyRow,
} from './occupancy-writes.js';

/**
 * How occupancy is written on SQLite: the whole transaction (the row's update and the
 * activity rows, numbered here) goes to the database thread in one call
 * (TransactionRunner.script), as readings do. Through TypeORM it took five calls, each waiting
 * for the main thread between two statements, and under TCP load that, not the disk, set the
 * pace. One process owns a SQLite file and every change of the count passes through here, so
 * the row and the next activity id are kept as committed; both are read again after a failure.
 */
export class SqliteOccupancyStore {
  private row: OccupancyRow | undefined;
  private nextId: number | undefined;

  constructor(
    private readonly tx: TransactionRunner,
    private readonly manager: EntityManager,
  ) {}

  async apply(actions: FacilityAction[], nowMs: number): Promise<ActionResult[]> {
    try {
      return await this.attempt(actions, nowMs);
    } catch (error) {
      // an activity row stored some other way since this store looked took an id it counted on
      if (!isUniqueViolation(error)) {
        throw error;
      }
      return this.attempt(actions, nowMs);
    }
  }

  private async attempt(actions: FacilityAction[], nowMs: number): Promise<ActionResult[]> {
    let results: ActionResult[] = [];
    await this.tx.script(
      async () => {
        const stored = this.row ?? (await this.read<OccupancyRow>(OCCUPANCY_ROW_SQL));
        const outcome = applyToRow(stored, actions, nowMs);
        results = outcome.results;
        if (outcome.applied.length === 0) {
          return ['SELECT 1'];
        }
        const first = this.nextId ?? (await this.highestId()) + 1;
        outcome.applied.forEach((item, i) => (item.entry.id = first + i));
        const rows = activityRows(outcome.applied).map((row, i) => [first + i, ...row]);
        const statements = [
          updateSql(outcome.row),
          sqliteInsertSql('activity_log', ['id', ...ACTIVITY_COLUMNS], rows),
        ];
        // kept from here on, unless the transaction fails (then `failed` forgets them)
        this.row = outcome.row;
        this.nextId = first + outcome.applied.length;
        return statements;
      },
      () => {
        this.row = undefined;
        this.nextId = undefined;
      },
    );
    return results;
  }

  private async highestId(): Promise<number> {
    const { id } = await this.read<{ id: number }>(
      'SELECT COALESCE(MAX(id), 0) AS id FROM activity_log',
    );
    return Number(id);
  }

  private async read<T>(sql: string): Promise<T> {
    const [row]: T[] = await this.manager.query(sql);
    return row;
  }
}

/** The row's UPDATE with its values in the text; the time as an exact real. */
function updateSql(row: OccupancyRow): string {
  const [mantissa, exponent] = exactReal(row.updated_at);
  const updatedAt = EXACT_REAL_SQL(String(mantissa), String(exponent));
  return `UPDATE occupancy SET count = ${row.count}, peak = ${row.peak}, peak_day = ${sqlText(row.peak_day)}, updated_at = ${updatedAt}, reset_day = ${sqlText(row.reset_day)} WHERE id = 1`;
}
