import { DEFAULT_RULES, parseRules, RulesError } from './alert-rules.js';
import { gasLevel } from './gas-levels.js';

describe(parseRules.name, () => {
  it('overrides defaults and keeps the rest', () => {
    const rules = parseRules({
      gas: { co: { warning: 25 }, NH3: { warning: 25, error: 35 } },
      lowBatteryPct: 10,
    });
    expect(rules.gas.CO).toEqual({ warning: 25 });
    expect(rules.gas.NH3).toEqual({ warning: 25, error: 35 });
    expect(rules.gas.H2S).toEqual(DEFAULT_RULES.gas.H2S);
    expect(rules.lowBatteryPct).toBe(10);
    expect(rules.writeQueue).toBe(50);
  });

  it('overrides exposure limits per gas, keeping the other gases', () => {
    const rules = parseRules({ exposure: { h2s: { twa: 1, stel: 5 }, NH3: { twa: 25 } } });
    expect(rules.exposure).toEqual({
      CO: { twa: 35, stel: 200 },
      H2S: { twa: 1, stel: 5 },
      NH3: { twa: 25 },
    });
  });

  it.each([
    [{ gas: { CO: { warning: 'high' } } }, 'gas.CO.warning must be a number ≥ 0, not "high"'],
    [{ gas: { CO: { warning: -1 } } }, 'gas.CO.warning must be a number ≥ 0, not -1'],
    [{ gas: { CO: { alarm: 3 } } }, 'gas.CO.alarm is not a limit'],
    [{ lowBatteryPct: null }, 'lowBatteryPct must be a number ≥ 0, not null'],
    [{ volume: 11 }, 'volume is not a rule'],
    [{ exposure: { CO: { twa: 'ten' } } }, 'exposure.CO.twa must be a number ≥ 0, not "ten"'],
    [{ exposure: { H2S: { stel: -5 } } }, 'exposure.H2S.stel must be a number ≥ 0, not -5'],
    [{ exposure: { CO: { ceiling: 5 } } }, 'exposure.CO.ceiling is not a limit (use twa, stel)'],
    [{ exposure: [] }, 'exposure must be an object of sensor types'],
    [[1], 'the rules file must hold a JSON object'],
  ])('refuses %j naming the bad entry', (document, message) => {
    expect(() => parseRules(document)).toThrow(RulesError);
    expect(() => parseRules(document)).toThrow(message);
  });
});

describe(gasLevel.name, () => {
  const co = DEFAULT_RULES.gas.CO;
  const o2 = DEFAULT_RULES.gas.O2;

  it.each([
    [[34.9], null],
    [[35], 'warning'],
    [[199, 12], 'warning'],
    [[3, 200], 'error'],
  ])('CO %j is %s', (values, severity) => {
    expect(gasLevel('CO', values, co)?.severity ?? null).toBe(severity);
  });

  it.each([
    [[20.9], null],
    [[19.4], 'error'],
    [[23.6], 'error'],
    [[19.5, 23.5], null],
  ])('O2 %j is %s', (values, severity) => {
    expect(gasLevel('O2', values, o2)?.severity ?? null).toBe(severity);
  });
});
