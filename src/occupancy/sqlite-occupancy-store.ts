import type { EntityManager } from 'typeorm';
import { EXACT_REAL_SQL, exactReal } from '../database/exact-real.js';
import { sqliteInsertSql, sqlText } from '../database/insert-rows.js';
import { againIfIdTaken, TableIds } from '../database/table-ids.js';
import type { TransactionRunner } from '../database/transaction-runner.js';
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
 * activity rows, numbered by TableIds) goes to the database thread in one call
 * (TransactionRunner.script), as readings do. Through TypeORM it took five calls, each waiting
 * for the main thread between two statements, and under TCP load that, not the disk, set the
 * pace. One process owns a SQLite file and every change of the count passes through here, so
 * the row is kept as committed; it is read again after a transaction that did not commit.
 */
export class SqliteOccupancyStore {
  private row: OccupancyRow | undefined;
  private readonly ids: TableIds;

  constructor(
    private readonly tx: TransactionRunner,
    private readonly manager: EntityManager,
  ) {
    this.ids = new TableIds(manager, 'activity_log');
  }

  apply(actions: FacilityAction[], nowMs: number): Promise<ActionResult[]> {
    return againIfIdTaken(() => this.attempt(actions, nowMs));
  }

  private async attempt(actions: FacilityAction[], nowMs: number): Promise<ActionResult[]> {
    let results: ActionResult[] = [];
    await this.tx.script(
      async () => {
        const outcome = applyToRow(this.row ?? (await this.committedRow()), actions, nowMs);
        const { applied, row } = outcome;
        results = outcome.results;
        // kept now, also when nothing applied (a reset not due): `failed` drops it if the
        // transaction does not commit
        this.row = row;
        if (applied.length === 0) {
          return ['SELECT 1'];
        }
        const first = await this.ids.take(applied.length);
        applied.forEach((item, i) => (item.entry.id = first + i));
        const rows = activityRows(applied).map((cells, i) => [first + i, ...cells]);
        return [updateSql(row), sqliteInsertSql('activity_log', ['id', ...ACTIVITY_COLUMNS], rows)];
      },
      () => {
        this.row = undefined;
        this.ids.forget();
      },
    );
    return results;
  }

  private async committedRow(): Promise<OccupancyRow> {
    const [row] = (await this.manager.query(OCCUPANCY_ROW_SQL)) as OccupancyRow[];
    return row;
  }
}

/** The row's UPDATE with its values in the text; the time as an exact real. */
function updateSql(row: OccupancyRow): string {
  const [mantissa, exponent] = exactReal(row.updated_at);
  const updatedAt = EXACT_REAL_SQL(String(mantissa), String(exponent));
  return `UPDATE occupancy SET count = ${row.count}, peak = ${row.peak}, peak_day = ${sqlText(row.peak_day)}, updated_at = ${updatedAt}, reset_day = ${sqlText(row.reset_day)} WHERE id = 1`;
}
