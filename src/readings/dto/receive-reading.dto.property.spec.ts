import { BadRequestException } from '@nestjs/common';
import fc from 'fast-check';
import { type FieldError } from '../../common/field-errors.js';
import { checkReading, toReadingInput } from '../reading-validation.js';
import { MAX_SENSORS, ReceiveReadingDto } from './receive-reading.dto.js';
import { validationPipe } from '../../common/validation-pipe.js';

/** The global pipe, as the app uses it. */
const pipe = validationPipe();

type PipeResult = { ok: true; dto: ReceiveReadingDto } | { ok: false; fields: string[] };

async function throughPipe(body: unknown): Promise<PipeResult> {
  try {
    const dto: unknown = await pipe.transform(body, { type: 'body', metatype: ReceiveReadingDto });
    expect(dto).toBeInstanceOf(ReceiveReadingDto);
    return { ok: true, dto: dto as ReceiveReadingDto };
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    const { errors } = (error as BadRequestException).getResponse() as { errors: FieldError[] };
    expect(errors.length).toBeGreaterThan(0);
    return { ok: false, fields: errors.map((e) => e.field) };
  }
}

/** Mostly right, sometimes any JSON: whole documents are valid often enough to compare readings. */
const mostly = <T>(right: fc.Arbitrary<T>, weight = 4) =>
  fc.oneof({ arbitrary: right, weight }, { arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 1 });

const sensor = fc.record(
  {
    type: mostly(fc.stringMatching(/^[A-Za-z0-9_.%-]{1,32}$/), 50),
    val: mostly(fc.double({ noNaN: true, noDefaultInfinity: true }), 50),
    unit: fc.string(),
  },
  { requiredKeys: ['type', 'val'] },
);
/** Documents near the valid ones: each field right, wrong or missing, with unknown fields too. */
const nearDocument = fc.record(
  {
    id: mostly(fc.string({ minLength: 1, maxLength: 140 })),
    ts: mostly(
      fc.oneof(
        fc.double({ min: 9e8, max: Date.now() / 1000 }),
        fc
          .date({ min: new Date(0), max: new Date(), noInvalidDate: true })
          .map((d) => d.toISOString()),
      ),
    ),
    pct: mostly(fc.oneof(fc.double({ min: -10, max: 110 }), fc.constant(null))),
    sensors: mostly(
      fc.oneof(
        fc.array(sensor, { minLength: 1, maxLength: 8 }),
        fc.array(sensor, { minLength: MAX_SENSORS - 2, maxLength: MAX_SENSORS + 2 }),
        fc.array(fc.oneof(sensor, fc.jsonValue({ maxDepth: 2 })), { maxLength: 4 }),
      ),
    ),
    firmware: fc.jsonValue({ maxDepth: 3 }),
  },
  { requiredKeys: ['id', 'ts', 'sensors'] },
);

describe(`${ReceiveReadingDto.name} through the global ValidationPipe`, () => {
  it('answers any JSON body with a DTO or a 400 naming fields, never another error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 5 }), async (body) => {
        await throughPipe(body);
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with checkReading (batch and MQTT) on every object: same verdict, fields and reading', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { arbitrary: nearDocument, weight: 4 },
          { arbitrary: fc.dictionary(fc.string(), fc.jsonValue()), weight: 1 },
        ),
        async (doc) => {
          // The wire form: what express.json() or JSON.parse hand over.
          const body: unknown = JSON.parse(JSON.stringify(doc));
          const check = checkReading(body);
          const piped = await throughPipe(structuredClone(body));
          expect(piped.ok).toBe(check.ok);
          if (piped.ok && check.ok) {
            accepted++;
            expect(toReadingInput(piped.dto)).toEqual(check.reading);
          } else if (!piped.ok && !check.ok) {
            expect(new Set(piped.fields)).toEqual(new Set(check.errors.map((e) => e.field)));
          }
        },
      ),
      { numRuns: 400 },
    );
    expect(accepted).toBeGreaterThan(5);
  });
});
