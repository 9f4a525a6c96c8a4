import fc from 'fast-check';
import { CONTROL_CHARACTERS } from '../common/text.js';
import { checkReading } from './reading-validation.js';

const valid = {
  pct: 90,
  id: 'handheld 1',
  ts: 1673049150,
  sensors: [
    { type: 'CH4', val: 200 },
    { type: 'CO', val: 1280 },
  ],
};

function fieldsOf(plain: unknown): string[] {
  const check = checkReading(plain);
  return check.ok ? [] : check.errors.map((error) => error.field);
}

describe(checkReading.name, () => {
  it('accepts the documented example and keeps only known fields', () => {
    const check = checkReading({
      ...valid,
      firmware: '1.2',
      sensors: [{ type: 'CO', val: 3, unit: 'ppm' }],
    });
    expect(check).toEqual({
      ok: true,
      reading: { id: 'handheld 1', ts: 1673049150, pct: 90, sensors: [{ type: 'CO', val: 3 }] },
    });
  });

  it('takes ISO-8601 times as Unix seconds', () => {
    const check = checkReading({ ...valid, ts: '2023-01-07T00:32:30Z' });
    expect(check.ok && check.reading.ts).toBe(1673051550);
  });

  it('keeps fractional seconds, repeated types and a missing battery', () => {
    const sensors = [
      { type: 'CO', val: 1 },
      { type: 'CO', val: -2.5 },
    ];
    const check = checkReading({ id: 'x', ts: 1673049150.25, sensors });
    expect(check).toEqual({
      ok: true,
      reading: { id: 'x', ts: 1673049150.25, pct: null, sensors },
    });
  });

  it.each([
    [{ ...valid, id: '' }, ['id']],
    [{ ...valid, id: 'a'.repeat(129) }, ['id']],
    [{ ...valid, id: 'bad\nid' }, ['id']],
    [{ ...valid, id: 42 }, ['id']],
    [{ ...valid, ts: 'yesterday' }, ['ts']],
    [{ ...valid, ts: 946684799 }, ['ts']],
    [{ ...valid, ts: Date.now() / 1000 + 2 * 86400 }, ['ts']],
    [{ ...valid, ts: undefined }, ['ts']],
    [{ ...valid, pct: 101 }, ['pct']],
    [{ ...valid, pct: '90' }, ['pct']],
    [{ ...valid, sensors: [] }, ['sensors']],
    [{ ...valid, sensors: 'CO' }, ['sensors']],
    [
      { ...valid, sensors: Array.from({ length: 65 }, () => ({ type: 'CO', val: 1 })) },
      ['sensors'],
    ],
    [{ ...valid, sensors: [{ type: 'C O', val: 1 }] }, ['sensors.0.type']],
    [{ ...valid, sensors: [{ type: 'x'.repeat(33), val: 1 }] }, ['sensors.0.type']],
    [{ ...valid, sensors: [{ type: 'CO', val: Infinity }] }, ['sensors.0.val']],
    [{ ...valid, sensors: [{ type: 'CO', val: '12' }] }, ['sensors.0.val']],
    [{ ...valid, sensors: [{ type: 'CO' }] }, ['sensors.0.val']],
  ])('names the bad field of %j', (doc, fields) => {
    expect([...new Set(fieldsOf(doc))]).toEqual(fields);
  });

  it.each([null, 'text', 42, [valid]])('refuses %j as not an object', (plain) => {
    expect(fieldsOf(plain)).toEqual(['body']);
  });

  it('stores an id that looks like SQL or a prototype key verbatim', () => {
    for (const id of ["x'); DROP TABLE sensor_data;--", '__proto__', 'constructor']) {
      const check = checkReading({ ...valid, id });
      expect(check.ok && check.reading.id).toBe(id);
    }
  });

  it('ignores a __proto__ key in the document', () => {
    const check = checkReading(
      JSON.parse(
        '{"__proto__": {"id": 1}, "id": "a", "ts": 1673049150, "sensors": [{"type": "CO", "val": 1}]}',
      ),
    );
    expect(check.ok && check.reading.id).toBe('a');
  });

  it('answers any JSON value with a result or field errors, never a throw', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        const check = checkReading(value);
        expect(check.ok || check.errors.length > 0).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('accepts every document inside the documented bounds', () => {
    const sensor = fc.record({
      type: fc.stringMatching(/^[A-Za-z0-9_.%-]{1,32}$/),
      val: fc.double({ noNaN: true, noDefaultInfinity: true }),
    });
    const doc = fc.record({
      id: fc.string({ minLength: 1, maxLength: 128 }).filter((s) => !CONTROL_CHARACTERS.test(s)),
      ts: fc.double({ min: 946684800, max: Date.now() / 1000, noNaN: true }),
      pct: fc.double({ min: 0, max: 100, noNaN: true }),
      sensors: fc.array(sensor, { minLength: 1, maxLength: 64 }),
    });
    fc.assert(
      fc.property(doc, (plain) => {
        const check = checkReading(plain);
        expect(check).toEqual({ ok: true, reading: { ...plain, sensors: plain.sensors } });
      }),
      { numRuns: 300 },
    );
  });
});
