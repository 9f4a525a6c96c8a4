import fc from 'fast-check';
import { EARLIEST_TS } from './dto/is-reading-time.validator.js';
import { fastReading } from './fast-reading.js';
import { checkReadingFully } from './reading-validation.js';

const now = Date.now() / 1000;

const simpleId = fc.stringMatching(/^[ -~]{1,128}$/);
const anyId = fc.oneof(
  simpleId,
  fc.string({ maxLength: 140, unit: 'binary' }),
  fc.constantFrom(
    '',
    'a\u0000b',
    'é',
    '\uD83D\uDE00'.repeat(70),
    'x\uFE0F'.repeat(65),
    'x'.repeat(129),
  ),
  fc.constantFrom(42, null, [], {}),
);
const simpleTs = fc.double({ min: EARLIEST_TS, max: now, noNaN: true });
const anyTs = fc.oneof(
  simpleTs,
  fc.double(),
  fc.constantFrom(
    '2023-01-07T00:32:30Z',
    '2023-02-30',
    'soon',
    null,
    EARLIEST_TS - 1,
    now + 2 * 86400,
  ),
);
const simplePct = fc.option(fc.double({ min: 0, max: 100, noNaN: true }), { nil: undefined });
const anyPct = fc.oneof(simplePct, fc.constantFrom(null, -1, 100.5, NaN, '90', true));
const simpleSensor = fc.record({
  type: fc.stringMatching(/^[A-Za-z0-9_.%-]{1,32}$/),
  val: fc.double({ noNaN: true, noDefaultInfinity: true }),
});
const anySensor = fc.oneof(
  simpleSensor,
  fc.record({ type: fc.string({ maxLength: 40 }), val: fc.oneof(fc.double(), fc.string()) }),
  simpleSensor.map((sensor) => ({ ...sensor, unit: 'ppm' })),
  fc.constantFrom(null, [], 'CO', { type: 'CO' }),
);
const anySensors = fc.oneof(
  fc.array(simpleSensor, { minLength: 1, maxLength: 64 }),
  fc.array(anySensor, { maxLength: 70 }),
  fc.constantFrom(null, 'CO', {}),
);

function documentOf(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

describe('fastReading', () => {
  it('accepts only what the full validation accepts, and builds the same reading', () => {
    fc.assert(
      fc.property(
        fc.record({ id: anyId, ts: anyTs, pct: anyPct, sensors: anySensors }, { requiredKeys: [] }),
        fc.option(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 })), {
          nil: undefined,
        }),
        (fields, extra) => {
          const document = { ...(extra ?? {}), ...documentOf(fields) };
          const fast = fastReading(document);
          if (fast !== null) {
            const full = checkReadingFully(document);
            expect(full).toEqual({ ok: true, reading: fast });
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('takes every document made only of the documented, simple fields', () => {
    fc.assert(
      fc.property(
        fc.record({
          id: simpleId,
          ts: simpleTs,
          pct: simplePct,
          sensors: fc.array(simpleSensor, { minLength: 1, maxLength: 64 }),
        }),
        (fields) => {
          const document = documentOf(fields);
          expect(fastReading(document)).toEqual(
            (checkReadingFully(document) as { reading: unknown }).reading,
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});
