import type { AlertSignal } from '../alerts/alerts.service.js';
import type { ExposureJson } from './exposure.service.js';

export type LimitName = 'twa' | 'stel';

/** A limit crossed (`signal` to raise) or no longer crossed (resolve `rule` for `subject`). */
export interface LimitChange {
  limit: LimitName;
  over: boolean;
  rule: string;
  subject: string;
  signal?: AlertSignal;
}

const LABEL: Record<LimitName, string> = { twa: 'TWA 8 h', stel: 'STEL 15 min' };

/**
 * The alerts to raise or resolve for `exposure`, given which limits were crossed at the last
 * look (`over`; unknown after a start, so an alert left open by a previous run resolves too).
 * At or above a limit is over it, as for the gas levels; a value of 0 never is.
 */
export function exposureAlerts(
  exposure: ExposureJson,
  over: Partial<Record<LimitName, boolean>>,
): LimitChange[] {
  const changes: LimitChange[] = [];
  for (const limit of ['twa', 'stel'] as const) {
    const max = exposure.limits[limit];
    if (max === undefined) {
      continue;
    }
    const value = limit === 'twa' ? exposure.twa8h : exposure.stel;
    const now = value > 0 && value >= max;
    if (over[limit] === now) {
      continue;
    }
    const rule = `exposure_${limit}`;
    const subject = `${exposure.id}/${exposure.type}`;
    changes.push({
      limit,
      over: now,
      rule,
      subject,
      signal: now
        ? {
            rule,
            subject,
            severity: 'warning',
            message: `${exposure.id}: ${exposure.type} ${LABEL[limit]} ${value} at or above ${max}`,
          }
        : undefined,
    });
  }
  return changes;
}
