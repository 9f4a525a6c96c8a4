import { BadRequestException } from '@nestjs/common';
import fc from 'fast-check';
import { parse } from 'node:querystring';
import { type FieldError } from '../field-errors.js';
import { TimeRangeQuery } from './time-range.query.js';
import { validationPipe } from '../validation-pipe.js';

/** The global pipe, as the app uses it. */
const pipe = validationPipe();

/** The model of a query number: blank is not 0. */
const queryNumber = (text: string) => (text.trim() === '' ? NaN : Number(text));

type Answer = { ok: true; dto: TimeRangeQuery } | { ok: false; fields: string[] };

async function through(query: Record<string, unknown>): Promise<Answer> {
  try {
    const dto = (await pipe.transform(query, {
      type: 'query',
      metatype: TimeRangeQuery,
    })) as TimeRangeQuery;
    expect(dto).toBeInstanceOf(TimeRangeQuery);
    return { ok: true, dto };
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    const { errors } = (error as BadRequestException).getResponse() as { errors: FieldError[] };
    return { ok: false, fields: [...new Set(errors.map((e) => e.field))].sort() };
  }
}

const timeText = fc.oneof(
  fc.double({ min: -1e12, max: 1e12, noNaN: true }).map(String),
  fc.integer({ min: 0, max: 4e9 }).map(String),
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e400', 'now', '2023-01-01', '1e9', '0x10'),
  fc.string({ maxLength: 12 }),
);
const param = fc.oneof(
  { arbitrary: timeText, weight: 5 },
  { arbitrary: fc.array(timeText, { minLength: 2, maxLength: 3 }), weight: 1 },
);

describe(`${TimeRangeQuery.name} through the global ValidationPipe`, () => {
  it('gives finite from and to, or a 400 naming exactly the ones that are not numbers', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ from: param, to: param }, { requiredKeys: [] }),
        fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 }),
        async (range, other) => {
          const answer = await through({ ...other, ...range });
          const bad = (['from', 'to'] as const).filter((key) => {
            const given = range[key];
            return (
              given !== undefined && (Array.isArray(given) || !Number.isFinite(queryNumber(given)))
            );
          });
          if (bad.length === 0) {
            expect(answer.ok).toBe(true);
            if (answer.ok) {
              for (const key of ['from', 'to'] as const) {
                const given = range[key];
                expect(answer.dto[key]).toBe(
                  typeof given === 'string' ? queryNumber(given) : undefined,
                );
              }
              expect(Object.keys(answer.dto).every((key) => key === 'from' || key === 'to')).toBe(
                true,
              );
            }
          } else {
            expect(answer).toEqual({ ok: false, fields: bad });
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads any raw query string without an error other than a 400', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc
              .tuple(fc.constantFrom('from=', 'to=', 'from[]=', 'to=%', 'x='), timeText)
              .map(([key, value]) => `${key}${encodeURIComponent(value)}`),
            fc.string({ unit: 'binary', maxLength: 20 }),
          ),
          { maxLength: 6 },
        ),
        async (pieces) => {
          const answer = await through(parse(pieces.join('&')));
          if (answer.ok) {
            for (const value of [answer.dto.from, answer.dto.to]) {
              expect(value === undefined || Number.isFinite(value)).toBe(true);
            }
          } else {
            expect(answer.fields.every((field) => field === 'from' || field === 'to')).toBe(true);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
