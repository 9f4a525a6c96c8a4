import type { EntityManager } from 'typeorm';
import { insertRows } from '../database/insert-rows.js';
import type { TransactionRunner } from '../database/transaction-runner.js';
import { localDay } from './activity-text.js';
import {
  type ActivityEntry,
  applyEffect,
  type DailyReset,
  type FacilityAction,
  isDailyReset,
} from './facility-actions.js';

export interface AppliedAction {
  entry: ActivityEntry;
  peakToday: number;
  alreadyEmpty: boolean;
}

/** An applied action, or null for a daily reset that was not due (already done, or not stale). */
export type ActionResult = AppliedAction | null;

export const ACTIVITY_COLUMNS = ['at', 'device_id', 'command', 'text', 'occupancy'];

/** The occupancy row as the transaction sees it, changed action by action. */
interface CountState {
  count: number;
  peak: number;
  resetDay: string;
  /** Unix seconds of the last change. */
  updatedAt: number;
}

/** Whether a daily reset still has to happen: once a day; a catch-up only over a stale count. */
function resetDue(state: CountState, reset: DailyReset): boolean {
  if (state.resetDay >= reset.dailyReset) {
    return false;
  }
  return (
    reset.staleBefore === undefined || (state.count > 0 && state.updatedAt < reset.staleBefore)
  );
}

function applyOne(state: CountState, action: FacilityAction, at: number): ActionResult {
  if (isDailyReset(action.effect)) {
    if (!resetDue(state, action.effect)) {
      return null;
    }
    state.resetDay = action.effect.dailyReset;
  }
  const next = applyEffect(state.count, action.effect);
  state.count = next.count;
  state.peak = Math.max(state.peak, state.count);
  state.updatedAt = at;
  const text = next.alreadyEmpty ? `${action.text} (already empty)` : action.text;
  const entry = {
    id: 0,
    at,
    deviceId: action.deviceId,
    command: action.command,
    text,
    occupancy: state.count,
  };
  return { entry, peakToday: state.peak, alreadyEmpty: next.alreadyEmpty };
}

/** The occupancy row, as stored. */
export interface OccupancyRow {
  count: number;
  peak: number;
  peak_day: string;
  reset_day: string;
  updated_at: number;
}

export const OCCUPANCY_ROW_SQL =
  'SELECT count, peak, peak_day, reset_day, updated_at FROM occupancy WHERE id = 1';

/**
 * Applies actions in order to the stored row: what each one did, and the row to store. The
 * day's peak starts over with the first action of a new local day.
 */
export function applyToRow(
  row: OccupancyRow,
  actions: FacilityAction[],
  nowMs: number,
): { results: ActionResult[]; applied: AppliedAction[]; row: OccupancyRow } {
  const today = localDay(nowMs);
  const at = nowMs / 1000;
  const state: CountState = {
    count: Number(row.count),
    peak: row.peak_day === today ? Number(row.peak) : Number(row.count),
    resetDay: row.reset_day,
    updatedAt: Number(row.updated_at),
  };
  const results = actions.map((action) => applyOne(state, action, at));
  const applied = results.filter((result): result is AppliedAction => result !== null);
  const next =
    applied.length === 0
      ? row
      : {
          count: state.count,
          peak: state.peak,
          peak_day: today,
          reset_day: state.resetDay,
          updated_at: state.updatedAt,
        };
  return { results, applied, row: next };
}

/** The activity rows of `applied`, in ACTIVITY_COLUMNS order. */
export function activityRows(applied: AppliedAction[]): unknown[][] {
  return applied.map(({ entry }) => [
    entry.at,
    entry.deviceId,
    entry.command,
    entry.text,
    entry.occupancy,
  ]);
}

/**
 * Applies actions in order inside the caller's transaction. The occupancy row is read under
 * its row lock (FOR UPDATE on PostgreSQL; SQLite writes one transaction at a time), so
 * instances sharing a database count exactly: no update is lost, none goes below zero, and a
 * daily reset that another instance already made is seen here and skipped.
 */
export async function applyActions(
  manager: EntityManager,
  tx: TransactionRunner,
  actions: FacilityAction[],
  nowMs: number,
): Promise<ActionResult[]> {
  const lock = tx.dialect === 'postgres' ? ' FOR UPDATE' : '';
  const [stored]: OccupancyRow[] = await manager.query(`${OCCUPANCY_ROW_SQL}${lock}`);
  const { results, applied, row } = applyToRow(stored, actions, nowMs);
  if (applied.length === 0) {
    return results;
  }
  await manager.query(
    `UPDATE occupancy SET count = ${tx.param(1)}, peak = ${tx.param(2)}, peak_day = ${tx.param(3)}, updated_at = ${tx.param(4)}, reset_day = ${tx.param(5)} WHERE id = 1`,
    [row.count, row.peak, row.peak_day, row.updated_at, row.reset_day],
  );
  const rows = activityRows(applied);
  const ids = await insertRows(manager, tx, 'activity_log', ACTIVITY_COLUMNS, rows, true);
  applied.forEach((item, i) => (item.entry.id = ids[i]));
  return results;
}
