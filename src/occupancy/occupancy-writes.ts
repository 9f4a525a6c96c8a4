import type { EntityManager } from 'typeorm';
import { insertRows } from '../database/insert-rows.js';
import type { TransactionRunner } from '../database/transaction-runner.js';
import { localDay } from './activity-text.js';
import { type ActivityEntry, applyEffect, type FacilityAction } from './facility-actions.js';

export interface AppliedAction {
  entry: ActivityEntry;
  peakToday: number;
  alreadyEmpty: boolean;
}

const ACTIVITY_COLUMNS = ['at', 'device_id', 'command', 'text', 'occupancy'];

/**
 * Applies actions in order inside the caller's transaction. The occupancy row is read under
 * its row lock (FOR UPDATE on PostgreSQL; SQLite writes one transaction at a time), so
 * instances sharing a database count exactly: no update is lost, none goes below zero.
 */
export async function applyActions(
  manager: EntityManager,
  tx: TransactionRunner,
  actions: FacilityAction[],
  nowMs: number,
): Promise<AppliedAction[]> {
  const lock = tx.dialect === 'postgres' ? ' FOR UPDATE' : '';
  const [state]: { count: number; peak: number; peak_day: string }[] = await manager.query(
    `SELECT count, peak, peak_day FROM occupancy WHERE id = 1${lock}`,
  );
  const today = localDay(nowMs);
  const at = nowMs / 1000;
  let count = Number(state.count);
  let peak = state.peak_day === today ? Number(state.peak) : count;
  const applied = actions.map((action) => {
    const next = applyEffect(count, action.effect);
    count = next.count;
    peak = Math.max(peak, count);
    const text = next.alreadyEmpty ? `${action.text} (already empty)` : action.text;
    const entry = {
      id: 0,
      at,
      deviceId: action.deviceId,
      command: action.command,
      text,
      occupancy: count,
    };
    return { entry, peakToday: peak, alreadyEmpty: next.alreadyEmpty };
  });
  await manager.query(
    `UPDATE occupancy SET count = ${tx.param(1)}, peak = ${tx.param(2)}, peak_day = ${tx.param(3)}, updated_at = ${tx.param(4)} WHERE id = 1`,
    [count, peak, today, at],
  );
  const rows = applied.map(({ entry }) => [
    entry.at,
    entry.deviceId,
    entry.command,
    entry.text,
    entry.occupancy,
  ]);
  const ids = await insertRows(manager, tx, 'activity_log', ACTIVITY_COLUMNS, rows, true);
  applied.forEach((item, i) => (item.entry.id = ids[i]));
  return applied;
}
