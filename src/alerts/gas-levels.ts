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
