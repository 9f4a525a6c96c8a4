import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AlertRules,
  DEFAULT_RULES,
  parseRules,
  readRulesFile,
  RulesError,
} from './alert-rules.js';

const GAS_KEYS = ['warning', 'error', 'below', 'above'];
const NUMBER_KEYS = ['lowBatteryPct', 'acceptanceRatePct', 'acceptanceMinAttempts', 'writeQueue'];
const SENSOR_TYPE = /^[A-Za-z0-9_.%-]{1,32}$/;

/** The rules, or the RulesError thrown; any other throw fails the test. */
function attempt(read: () => AlertRules): AlertRules | RulesError {
  try {
    return read();
  } catch (error) {
    expect(error).toBeInstanceOf(RulesError);
    expect((error as Error).message.length).toBeGreaterThan(0);
    return error as RulesError;
  }
}

function expectSoundRules(rules: AlertRules): void {
  expect(Object.keys(rules).sort()).toEqual(['exposure', 'gas', ...NUMBER_KEYS].sort());
  for (const key of NUMBER_KEYS) {
    const value = rules[key as keyof AlertRules] as number;
    expect(Number.isFinite(value) && value >= 0).toBe(true);
  }
  for (const [type, rule] of Object.entries(rules.gas)) {
    expect(type).toMatch(SENSOR_TYPE);
    expect(type).toBe(type.toUpperCase());
    for (const [key, limit] of Object.entries(rule)) {
      expect(GAS_KEYS).toContain(key);
      expect(Number.isFinite(limit) && (limit as number) >= 0).toBe(true);
    }
  }
  for (const [type, limits] of Object.entries(rules.exposure)) {
    expect(type).toBe(type.toUpperCase());
    for (const [key, limit] of Object.entries(limits)) {
      expect(['twa', 'stel']).toContain(key);
      expect(Number.isFinite(limit) && (limit as number) >= 0).toBe(true);
    }
  }
}

const limit = fc.double({ min: 0, max: 1e9, noNaN: true, noDefaultInfinity: true });
const gasRule = fc.record(
  { warning: limit, error: limit, below: limit, above: limit },
  { requiredKeys: [] },
);
/** Sensor types that stay distinct without regard to case, so the last one does not overwrite. */
const gasTypes = fc.uniqueArray(fc.stringMatching(SENSOR_TYPE), {
  maxLength: 6,
  selector: (type) => type.toUpperCase(),
});
const rulesDocument = fc
  .tuple(
    gasTypes.chain((types) =>
      fc.tuple(
        fc.constant(types),
        fc.array(gasRule, { minLength: types.length, maxLength: types.length }),
      ),
    ),
    fc.record(
      {
        lowBatteryPct: limit,
        acceptanceRatePct: limit,
        acceptanceMinAttempts: limit,
        writeQueue: limit,
      },
      { requiredKeys: [] },
    ),
    fc.boolean(),
  )
  .map(([[types, rules], numbers, withGas]) => ({
    ...numbers,
    ...(withGas ? { gas: Object.fromEntries(types.map((type, i) => [type, rules[i]])) } : {}),
  }));

/** A wrong entry to put into a valid document, and the path its error must name. */
const wrongEntry = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(...NUMBER_KEYS),
      fc.oneof(
        fc.double({ max: -Number.MIN_VALUE, noNaN: true }),
        fc.string(),
        fc.constant(null),
        fc.boolean(),
      ),
    )
    .map(([key, value]) => ({ at: [key], value, names: key })),
  fc
    .tuple(
      fc.stringMatching(SENSOR_TYPE),
      fc.constantFrom(...GAS_KEYS),
      fc.oneof(fc.string(), fc.constant(-1), fc.array(limit)),
    )
    .map(([type, key, value]) => ({ at: ['gas', type, key], value, names: `gas.${type}.${key}` })),
  fc
    .tuple(
      fc.stringMatching(SENSOR_TYPE),
      fc.string({ minLength: 1 }).filter((k) => !GAS_KEYS.includes(k) && k !== '__proto__'),
    )
    .map(([type, key]) => ({ at: ['gas', type, key], value: 1, names: `gas.${type}.${key}` })),
  fc
    .string({ minLength: 1, maxLength: 20 })
    .filter((k) => k !== 'gas' && !NUMBER_KEYS.includes(k) && k !== '__proto__')
    .map((key) => ({ at: [key], value: 1, names: key })),
);

describe(`${parseRules.name} properties`, () => {
  it('answers any JSON value with sound rules or a RulesError, never another error', () => {
    const shaped = fc.record(
      {
        gas: fc.oneof(
          fc.jsonValue({ maxDepth: 3 }),
          fc.dictionary(
            fc.string(),
            fc.dictionary(fc.constantFrom(...GAS_KEYS, 'x'), fc.jsonValue({ maxDepth: 1 })),
          ),
        ),
        lowBatteryPct: fc.jsonValue({ maxDepth: 1 }),
        writeQueue: fc.oneof(limit, fc.jsonValue({ maxDepth: 1 })),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue({ maxDepth: 4 }), shaped), (document) => {
        const answer = attempt(() => parseRules(JSON.parse(JSON.stringify(document))));
        if (!(answer instanceof RulesError)) {
          expectSoundRules(answer);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('merges gas types over the defaults without regard to case and replaces the numbers', () => {
    fc.assert(
      fc.property(rulesDocument, (document) => {
        const rules = parseRules(JSON.parse(JSON.stringify(document)));
        expectSoundRules(rules);
        const gas = (document.gas ?? {}) as Record<string, object>;
        const expectedGas: Record<string, object> = { ...DEFAULT_RULES.gas };
        for (const [type, rule] of Object.entries(gas)) {
          expectedGas[type.toUpperCase()] = rule;
        }
        expect(rules).toEqual({ ...DEFAULT_RULES, ...document, gas: expectedGas });
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a valid document with one wrong entry, naming that entry', () => {
    fc.assert(
      fc.property(rulesDocument, wrongEntry, (document, wrong) => {
        const broken = JSON.parse(JSON.stringify(document)) as Record<string, unknown>;
        // Own properties only: a sensor type may be __proto__, as JSON.parse gives it
        const put = (node: Record<string, unknown>, key: string, value: unknown) =>
          Object.defineProperty(node, key, {
            value,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        let node = broken;
        for (const key of wrong.at.slice(0, -1)) {
          const child = Object.hasOwn(node, key) ? node[key] : undefined;
          node = (
            typeof child === 'object' && child !== null ? child : put(node, key, {})[key]
          ) as Record<string, unknown>;
        }
        put(node, wrong.at[wrong.at.length - 1], wrong.value);
        const answer = attempt(() => parseRules(JSON.parse(JSON.stringify(broken))));
        expect(answer).toBeInstanceOf(RulesError);
        expect((answer as RulesError).message).toContain(wrong.names);
      }),
      { numRuns: 300 },
    );
  });
});

describe(`${readRulesFile.name} properties`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'sitewatch-rules-property-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let files = 0;

  it('answers any file content, and a missing file, with rules or a RulesError', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          rulesDocument.map((d) => Buffer.from(JSON.stringify(d))),
          fc.jsonValue({ maxDepth: 3 }).map((v) => Buffer.from(JSON.stringify(v))),
          fc.string({ unit: 'binary' }).map((s) => Buffer.from(s)),
          fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
        ),
        fc.boolean(),
        (content, written) => {
          const path = join(dir, `rules-${files++}.json`);
          if (written) {
            writeFileSync(path, content);
          }
          const answer = attempt(() => readRulesFile(path));
          if (!written) {
            expect(answer).toBeInstanceOf(RulesError);
          } else if (!(answer instanceof RulesError)) {
            expectSoundRules(answer);
            expect(answer).toEqual(parseRules(JSON.parse(content.toString('utf8'))));
          }
        },
      ),
      { numRuns: 200 },
    );
    expect(attempt(() => readRulesFile(dir))).toBeInstanceOf(RulesError);
  });
});
