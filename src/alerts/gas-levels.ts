import type { AlertSeverity } from './alert.entity.js';
import type { GasRule } from './alert-rules.js';

export interface GasFinding {
  severity: AlertSeverity;
  message: string;
}

/** The level that `values` (every cell of one gas in one reading) reach under `rule`, if any. */
export function gasLevel(type: string, values: number[], rule: GasRule): GasFinding | null {
  const highest = Math.max(...values);
  const lowest = Math.min(...values);
  if (rule.below !== undefined && lowest < rule.below) {
    return { severity: 'error', message: `${type} ${lowest} below ${rule.below}` };
  }
  if (rule.above !== undefined && highest > rule.above) {
    return { severity: 'error', message: `${type} ${highest} above ${rule.above}` };
  }
  if (rule.error !== undefined && highest >= rule.error) {
    return { severity: 'error', message: `${type} ${highest} at or above ${rule.error}` };
  }
  if (rule.warning !== undefined && highest >= rule.warning) {
    return { severity: 'warning', message: `${type} ${highest} at or above ${rule.warning}` };
  }
  return null;
}

/**
 * Whether `value` alone reaches a level of `rule`. gasLevel finds a level for a gas exactly when
 * one of its values does, so a reading none of whose values reaches one raises nothing.
 */
export function reachesLevel(value: number, rule: GasRule): boolean {
  return (
    (rule.below !== undefined && value < rule.below) ||
    (rule.above !== undefined && value > rule.above) ||
    (rule.error !== undefined && value >= rule.error) ||
    (rule.warning !== undefined && value >= rule.warning)
  );
}
