import { readFileSync } from 'node:fs';

/** Thresholds of one gas: `warning`/`error` at or above; `below`/`above` an error outside a band (O2). */
export interface GasRule {
  warning?: number;
  error?: number;
  below?: number;
  above?: number;
}

/** Exposure limits of one gas: the 8-hour TWA and the 15-minute STEL, same unit as the readings. */
export interface ExposureLimits {
  twa?: number;
  stel?: number;
}

export interface AlertRules {
  /** By sensor type, matched without regard to case. */
  gas: Record<string, GasRule>;
  /** By sensor type (upper case): the gases whose exposure is computed (SPEC 10.1). */
  exposure: Record<string, ExposureLimits>;
  lowBatteryPct: number;
  acceptanceRatePct: number;
  acceptanceMinAttempts: number;
  writeQueue: number;
}

/** Defaults; the README names the source of each gas level. */
export const DEFAULT_RULES: AlertRules = {
  gas: {
    CO: { warning: 35, error: 200 },
    H2S: { warning: 10, error: 15 },
    CH4: { warning: 5000, error: 10000 },
    LEL: { warning: 10, error: 20 },
    O2: { below: 19.5, above: 23.5 },
  },
  // detector makers' factory settings; the README names the stricter NIOSH, OSHA, ACGIH values
  exposure: {
    CO: { twa: 35, stel: 200 },
    H2S: { twa: 10, stel: 15 },
  },
  lowBatteryPct: 20,
  acceptanceRatePct: 80,
  acceptanceMinAttempts: 10,
  writeQueue: 50,
};

export class RulesError extends Error {}

const GAS_KEYS = ['warning', 'error', 'below', 'above'] as const;
const EXPOSURE_KEYS = ['twa', 'stel'] as const;
const NUMBER_KEYS = [
  'lowBatteryPct',
  'acceptanceRatePct',
  'acceptanceMinAttempts',
  'writeQueue',
] as const;

function limit(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RulesError(`${path} must be a number ≥ 0, not ${JSON.stringify(value)}`);
  }
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{TYPE: {key: limit}}` with only `keys`, each a number ≥ 0; types upper-cased. */
function limitsByType(
  section: string,
  value: unknown,
  keys: readonly string[],
): Record<string, Record<string, number>> {
  if (!isObject(value)) {
    throw new RulesError(`${section} must be an object of sensor types`);
  }
  const rules: Record<string, Record<string, number>> = {};
  for (const [type, rule] of Object.entries(value)) {
    if (!/^[A-Za-z0-9_.%-]{1,32}$/.test(type) || !isObject(rule)) {
      throw new RulesError(`${section}.${type} must be a sensor type holding an object of limits`);
    }
    const unknown = Object.keys(rule).filter((key) => !keys.includes(key));
    if (unknown.length > 0) {
      throw new RulesError(
        `${section}.${type}.${unknown[0]} is not a limit (use ${keys.join(', ')})`,
      );
    }
    rules[type.toUpperCase()] = Object.fromEntries(
      Object.entries(rule).map(([key, v]) => [key, limit(v, `${section}.${type}.${key}`)]),
    );
  }
  return rules;
}

/** Defaults overridden by a rules document: gas types merge, numbers replace. */
export function parseRules(document: unknown): AlertRules {
  if (!isObject(document)) {
    throw new RulesError('the rules file must hold a JSON object');
  }
  const rules: AlertRules = {
    ...DEFAULT_RULES,
    gas: { ...DEFAULT_RULES.gas },
    exposure: { ...DEFAULT_RULES.exposure },
  };
  for (const [key, value] of Object.entries(document)) {
    if (key === 'gas') {
      Object.assign(rules.gas, limitsByType('gas', value, GAS_KEYS));
    } else if (key === 'exposure') {
      Object.assign(rules.exposure, limitsByType('exposure', value, EXPOSURE_KEYS));
    } else if (NUMBER_KEYS.includes(key as never)) {
      rules[key as (typeof NUMBER_KEYS)[number]] = limit(value, key);
    } else {
      throw new RulesError(`${key} is not a rule (use gas, exposure, ${NUMBER_KEYS.join(', ')})`);
    }
  }
  return rules;
}

export function readRulesFile(path: string): AlertRules {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new RulesError(`cannot read it: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new RulesError(`not valid JSON: ${(error as Error).message}`);
  }
  return parseRules(document);
}
