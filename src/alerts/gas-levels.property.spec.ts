import fc from 'fast-check';
import type { GasRule } from './alert-rules.js';
import { gasLevel, reachesLevel } from './gas-levels.js';

const level = fc.option(fc.double({ min: -100, max: 1000, noNaN: true }), { nil: undefined });
const rule: fc.Arbitrary<GasRule> = fc.record(
  { warning: level, error: level, below: level, above: level },
  { requiredKeys: [] },
);
const values = fc.array(fc.double({ min: -200, max: 2000, noNaN: true }), {
  minLength: 1,
  maxLength: 8,
});

describe(reachesLevel.name, () => {
  it('is true of some value of a gas exactly when gasLevel finds a level for the gas', () => {
    fc.assert(
      fc.property(values, rule, (vals, gas) => {
        const found = gasLevel('CO', vals, gas) !== null;
        expect(vals.some((val) => reachesLevel(val, gas))).toBe(found);
      }),
      { numRuns: 5000 },
    );
  });
});
