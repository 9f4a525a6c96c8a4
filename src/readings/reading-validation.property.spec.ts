import fc from 'fast-check';
import { CONTROL_CHARACTERS } from '../common/text.js';
import { EARLIEST_TS, MAX_AHEAD_SECONDS } from './dto/is-reading-time.validator.js';
import { MAX_SENSORS } from './dto/receive-reading.dto.js';
import { checkReading, MAX_DOCUMENT_DEPTH } from './reading-validation.js';
import type { ReadingInput } from './reading.js';

const SENSOR_TYPE = /^[A-Za-z0-9_.%-]{1,32}$/;
const FIELDS = ['body', 'id', 'ts', 'pct', 'sensors'];
const ABSENT = Symbol('absent');
const nowSeconds = () => Date.now() / 1000;

/** A value with whether section 2 of the spec allows it. */
interface Tagged {
  value: unknown;
  valid: boolean;
  /** For a broken sensor entry: the field its error must name. */
  path?: string;
}

const valid = (arb: fc.Arbitrary<unknown>) => arb.map((value): Tagged => ({ value, valid: true }));
const invalid = (arb: fc.Arbitrary<unknown>) =>
  arb.map((value): Tagged => ({ value, valid: false }));

/** A field that is valid about two times in three, so that whole documents are often valid too. */
function field(good: fc.Arbitrary<Tagged>, ...bad: fc.Arbitrary<Tagged>[]): fc.Arbitrary<Tagged> {
  return fc.oneof(
    { arbitrary: good, weight: 2 * bad.length },
    ...bad.map((arbitrary) => ({ arbitrary, weight: 1 })),
  );
}

/** The bounds of SPEC section 2 that every accepted reading must satisfy. */
function expectWithinSpec(reading: ReadingInput, now: number): void {
  expect(Object.keys(reading).sort()).toEqual(['id', 'pct', 'sensors', 'ts']);
  expect(typeof reading.id).toBe('string');
  expect(reading.id.length).toBeGreaterThanOrEqual(1);
  expect(reading.id.length).toBeLessThanOrEqual(128);
  expect(CONTROL_CHARACTERS.test(reading.id)).toBe(false);
  expect(Number.isFinite(reading.ts)).toBe(true);
  expect(reading.ts).toBeGreaterThanOrEqual(EARLIEST_TS);
  expect(reading.ts).toBeLessThanOrEqual(now + MAX_AHEAD_SECONDS);
  if (reading.pct !== null) {
    expect(Number.isFinite(reading.pct)).toBe(true);
    expect(reading.pct).toBeGreaterThanOrEqual(0);
    expect(reading.pct).toBeLessThanOrEqual(100);
  }
  expect(Array.isArray(reading.sensors)).toBe(true);
  expect(reading.sensors.length).toBeGreaterThanOrEqual(1);
  expect(reading.sensors.length).toBeLessThanOrEqual(MAX_SENSORS);
  for (const sensor of reading.sensors) {
    expect(Object.keys(sensor).sort()).toEqual(['type', 'val']);
    expect(typeof sensor.type === 'string' && SENSOR_TYPE.test(sensor.type)).toBe(true);
    expect(typeof sensor.val === 'number' && Number.isFinite(sensor.val)).toBe(true);
  }
}

/** Never a throw: a reading within the spec, or field errors naming known fields. */
function expectSoundAnswer(plain: unknown, path = ''): void {
  const check = checkReading(plain, path);
  if (check.ok) {
    expectWithinSpec(check.reading, nowSeconds());
    return;
  }
  expect(check.errors.length).toBeGreaterThan(0);
  for (const error of check.errors) {
    expect(typeof error.message).toBe('string');
    expect(error.message.length).toBeGreaterThan(0);
    const field = path === '' ? error.field : error.field.slice(path.length + 1);
    if (path !== '') {
      expect(error.field === path || error.field.startsWith(`${path}.`)).toBe(true);
    }
    expect(FIELDS).toContain(field === '' ? 'body' : field.split('.')[0]);
  }
}

const deviceId = fc
  .string({ minLength: 1, maxLength: 128, unit: 'binary' })
  .filter((s) => s.length <= 128 && !CONTROL_CHARACTERS.test(s));
const sensorType = fc.stringMatching(SENSOR_TYPE);
const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
const unknownFields = fc.dictionary(
  fc.string({ maxLength: 10 }).filter((k) => !['id', 'ts', 'pct', 'sensors'].includes(k)),
  fc.jsonValue({ maxDepth: 2 }),
  { maxKeys: 3 },
);
const validSensor = fc
  .tuple(sensorType, finite, unknownFields)
  .map(([type, val, extra]) => ({ ...extra, type, val }));

/** A time from 2000-01-01 up to a day ago, as sent and as the Unix seconds it stands for. */
const sentTime = fc.oneof(
  fc
    .double({ min: EARLIEST_TS, max: nowSeconds() - 86400, noNaN: true })
    .map((ts) => ({ sent: ts as number | string, seconds: ts })),
  fc
    .date({
      min: new Date(EARLIEST_TS * 1000),
      max: new Date(Date.now() - 86400_000),
      noInvalidDate: true,
    })
    .map((date) => ({ sent: date.toISOString(), seconds: date.getTime() / 1000 })),
  fc
    .date({
      min: new Date(EARLIEST_TS * 1000),
      max: new Date(Date.now() - 86400_000),
      noInvalidDate: true,
    })
    .map((date) => {
      const day = date.toISOString().slice(0, 10);
      return { sent: day, seconds: Date.parse(`${day}T00:00:00Z`) / 1000 };
    }),
  fc
    .tuple(
      fc.integer({ min: EARLIEST_TS + 86400, max: Math.floor(nowSeconds()) - 86400 }),
      fc.integer({ min: -14 * 60, max: 14 * 60 }),
    )
    .map(([utc, offsetMinutes]) => {
      const wall = new Date((utc + offsetMinutes * 60) * 1000).toISOString().slice(0, 19);
      const abs = Math.abs(offsetMinutes);
      const offset = `${offsetMinutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
      return { sent: `${wall}${offset}`, seconds: utc };
    }),
);

const idField = field(
  valid(deviceId),
  invalid(fc.constantFrom('', ABSENT, null)),
  invalid(fc.string({ minLength: 129, maxLength: 300 }).map((s) => `${'i'.repeat(129)}${s}`)),
  invalid(
    fc
      .tuple(fc.string({ maxLength: 20 }), fc.integer({ min: 0, max: 0x1f }), fc.string())
      .map(([a, code, b]) => `${a}${String.fromCharCode(code)}${b}`.slice(0, 128)),
  ),
  invalid(fc.oneof(fc.double(), fc.boolean(), fc.array(fc.string()), fc.object())),
);

const tsField = field(
  valid(sentTime.map((time) => time.sent)),
  invalid(fc.constantFrom(ABSENT, null, NaN, Infinity, -Infinity, '', 'yesterday', '2023-13-01')),
  invalid(fc.double({ max: EARLIEST_TS - 0.001, noNaN: true })),
  invalid(fc.double({ min: nowSeconds() + 2 * 86400, noNaN: true })),
  invalid(
    fc
      .date({ max: new Date(EARLIEST_TS * 1000 - 1), noInvalidDate: true })
      .map((d) => d.toISOString()),
  ),
  invalid(fc.string({ maxLength: 30 }).map((s) => `t${s}`)),
  invalid(fc.string({ minLength: 41 }).map((s) => `2023-01-01T00:00:00Z${' '.repeat(21)}${s}`)),
  invalid(fc.oneof(fc.boolean(), fc.array(fc.double()), fc.object())),
);

const pctField = field(
  valid(
    fc.oneof(fc.constantFrom(ABSENT, null, 0, 100), fc.double({ min: 0, max: 100, noNaN: true })),
  ),
  invalid(fc.double({ max: -Number.MIN_VALUE, noNaN: true })),
  invalid(fc.double({ min: 100.000001, noNaN: true })),
  invalid(fc.constantFrom(NaN, '90', true, [], {})),
);

/** A sensors list with one broken entry at `index`, and the field its error must name. */
const brokenSensors = fc
  .tuple(
    fc.array(validSensor, { minLength: 1, maxLength: 10 }),
    fc.nat(),
    fc.oneof(
      fc
        .oneof(fc.constant(null), fc.double(), fc.string(), fc.boolean())
        .map((item) => ({ item, field: '' })),
      fc
        .array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 })
        .map((item) => ({ item, field: '' })),
      fc
        .tuple(
          fc.oneof(
            fc.string({ maxLength: 40 }).filter((s) => !SENSOR_TYPE.test(s)),
            fc.integer(),
            fc.constant(null),
          ),
          finite,
        )
        .map(([type, val]) => ({ item: { type, val }, field: 'type' })),
      fc
        .tuple(sensorType, fc.constantFrom(NaN, Infinity, '12', null, true, [], {}))
        .map(([type, val]) => ({ item: { type, val }, field: 'val' })),
    ),
  )
  .map(([sensors, at, broken]) => {
    const index = at % (sensors.length + 1);
    const list: unknown[] = [...sensors];
    list.splice(index, 0, broken.item);
    return { sensors: list, path: broken.field === '' ? '' : `sensors.${index}.${broken.field}` };
  });

const sensorsField = field(
  valid(fc.array(validSensor, { minLength: 1, maxLength: MAX_SENSORS })),
  invalid(fc.constantFrom(ABSENT, null, [], 'CO', 42, {})),
  invalid(fc.array(validSensor, { minLength: MAX_SENSORS + 1, maxLength: MAX_SENSORS + 20 })),
  brokenSensors.map(({ sensors, path }): Tagged => ({ value: sensors, valid: false, path })),
);

function documentOf(fields: Record<string, Tagged>, extra: Record<string, unknown>) {
  const doc: Record<string, unknown> = { ...extra };
  for (const [name, field] of Object.entries(fields)) {
    if (field.value !== ABSENT) {
      doc[name] = field.value;
    }
  }
  return doc;
}

describe(`${checkReading.name} properties`, () => {
  it('answers any JSON value with a reading within the spec or named field errors', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => expectSoundAnswer(value)),
      { numRuns: 400 },
    );
  });

  it('answers any JavaScript value (sets, dates, bigints, typed arrays, sparse arrays) without a throw', () => {
    const anything = fc.anything({
      maxDepth: 3,
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withSet: true,
      withNullPrototype: true,
      withObjectString: true,
      withSparseArray: true,
      withTypedArray: true,
      withUnicodeString: true,
    });
    const shaped = fc.record(
      {
        id: anything,
        ts: fc.oneof(anything, fc.double()),
        pct: anything,
        sensors: fc.oneof(
          anything,
          fc.array(fc.record({ type: anything, val: anything }, { requiredKeys: [] })),
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(anything, shaped), (value) => expectSoundAnswer(value)),
      { numRuns: 400 },
    );
  });

  it('accepts a document exactly when every field is within the spec, naming each bad one', () => {
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.record({ id: idField, ts: tsField, pct: pctField, sensors: sensorsField }),
        unknownFields,
        (fields, extra) => {
          const check = checkReading(documentOf(fields, extra));
          const bad = Object.entries(fields)
            .filter(([, field]) => !field.valid)
            .map(([name]) => name);
          if (bad.length === 0) {
            expect(check.ok).toBe(true);
            accepted++;
            return;
          }
          expect(check.ok).toBe(false);
          if (!check.ok) {
            const named = check.errors.map((error) => error.field);
            expect([...new Set(named.map((field) => field.split('.')[0]))].sort()).toEqual(
              bad.sort(),
            );
            if (fields.sensors.path) {
              expect(named).toContain(fields.sensors.path);
            }
          }
        },
      ),
      { numRuns: 600 },
    );
    expect(accepted).toBeGreaterThan(30);
  });

  it('gives back a valid document as sent: id, pct, sensor types and values, ts in seconds', () => {
    fc.assert(
      fc.property(
        deviceId,
        sentTime,
        fc.option(fc.double({ min: 0, max: 100, noNaN: true }), { nil: undefined }),
        fc.array(validSensor, { minLength: 1, maxLength: MAX_SENSORS }),
        unknownFields,
        (id, time, pct, sensors, extra) => {
          const doc = {
            ...extra,
            id,
            ts: time.sent,
            sensors,
            ...(pct === undefined ? {} : { pct }),
          };
          const check = checkReading(JSON.parse(JSON.stringify(doc)));
          expect(check).toEqual({
            ok: true,
            reading: {
              id,
              ts: time.seconds,
              pct: pct === undefined ? null : pct === 0 ? 0 : pct,
              sensors: sensors.map(({ type, val }) => ({ type, val: val === 0 ? 0 : val })),
            },
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('prefixes every field it names with the path it was given', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.record({ id: idField, sensors: sensorsField })),
        fc.oneof(fc.nat({ max: 999 }).map(String), fc.constant('items.7')),
        (value, path) => expectSoundAnswer(value, path),
      ),
      { numRuns: 300 },
    );
  });

  it('answers a document nested to any depth, in any field, without a throw', () => {
    const nest = (depth: number, inArray: boolean): unknown => {
      let value: unknown = 1;
      for (let i = 0; i < depth; i++) {
        value = inArray ? [value] : { a: value };
      }
      return value;
    };
    const base = { id: 'deep', ts: 1673049150, sensors: [{ type: 'CO', val: 1 }] };
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20000 }),
        fc.boolean(),
        fc.constantFrom('extra', 'id', 'ts', 'pct', 'sensors', 'sensor', 'sensorExtra'),
        (depth, inArray, where) => {
          const deep = nest(depth, inArray);
          const doc: Record<string, unknown> = { ...base };
          if (where === 'sensor') {
            doc.sensors = [deep];
          } else if (where === 'sensorExtra') {
            doc.sensors = [{ type: 'CO', val: 1, extra: deep }];
          } else {
            doc[where] = deep;
          }
          const check = checkReading(doc);
          expectSoundAnswer(doc);
          if (where === 'extra' && depth < MAX_DOCUMENT_DEPTH) {
            expect(check.ok).toBe(true);
          }
          if (where !== 'extra' && where !== 'sensorExtra') {
            expect(check.ok).toBe(false);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('counts sensors, wide documents and long strings without losing its bounds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 0, max: 20000 }),
        (sensorCount, keyCount, idLength) => {
          const doc: Record<string, unknown> = {
            id: 'x'.repeat(idLength),
            ts: 1673049150,
            sensors: Array.from({ length: sensorCount }, (_, i) => ({ type: 'CO', val: i })),
          };
          for (let i = 0; i < keyCount; i++) {
            doc[`k${i}`] = i;
          }
          const check = checkReading(doc);
          const sensorsOk = sensorCount >= 1 && sensorCount <= MAX_SENSORS;
          const idOk = idLength >= 1 && idLength <= 128;
          expect(check.ok).toBe(sensorsOk && idOk);
          if (!check.ok) {
            const named = new Set(check.errors.map((error) => error.field));
            expect(named.has('sensors')).toBe(!sensorsOk);
            expect(named.has('id')).toBe(!idOk);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
