import { BadRequestException } from '@nestjs/common';
import fc from 'fast-check';
import { type FieldError } from '../../common/field-errors.js';
import { ActivityQuery, ActivityTextQuery } from './activity-query.dto.js';
import { validationPipe } from '../../common/validation-pipe.js';

/** The global pipe, as the app uses it. */
const pipe = validationPipe();

type Query = Record<string, string | string[]>;
type Answer = { ok: true; dto: ActivityQuery } | { ok: false; fields: string[] };

async function through(metatype: typeof ActivityQuery, query: Query): Promise<Answer> {
  try {
    const dto = (await pipe.transform(query, { type: 'query', metatype })) as ActivityQuery;
    expect(dto).toBeInstanceOf(metatype);
    return { ok: true, dto };
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    const { errors } = (error as BadRequestException).getResponse() as { errors: FieldError[] };
    expect(errors.length).toBeGreaterThan(0);
    return { ok: false, fields: [...new Set(errors.map((e) => e.field))].sort() };
  }
}

const text = fc.oneof(
  fc.integer({ min: -10, max: 2_000_000 }).map(String),
  fc.double().map(String),
  fc.constantFrom('', ' ', '0', '1', '1.5', '1e3', 'Infinity', 'NaN', '0x10', 'abc'),
  fc.string({ maxLength: 10 }),
);
const param = fc.oneof(
  { arbitrary: text, weight: 5 },
  { arbitrary: fc.array(text, { minLength: 2, maxLength: 3 }), weight: 1 },
);
const query = fc
  .tuple(
    fc.record({ from: param, to: param, limit: param }, { requiredKeys: [] }),
    fc.dictionary(fc.string({ maxLength: 6 }), param, { maxKeys: 3 }),
  )
  .map(([known, other]) => Object.assign(Object.create(null) as Query, other, known));

/** Whether the pipe must accept `given` for a parameter, by the DTO's rules. */
const isFinite = (given: unknown) =>
  typeof given === 'string' && given.trim() !== '' && Number.isFinite(Number(given));
const isCount = (given: unknown, max: number) =>
  typeof given === 'string' &&
  Number.isInteger(Number(given)) &&
  Number(given) >= 1 &&
  Number(given) <= max;

describe.each([
  { metatype: ActivityQuery, max: 1000, fallback: 100 },
  { metatype: ActivityTextQuery, max: 1_000_000, fallback: 100000 },
])('$metatype.name through the global ValidationPipe', ({ metatype, max, fallback }) => {
  it('gives finite times and a limit within bounds, or a 400 naming exactly the bad parameters', async () => {
    await fc.assert(
      fc.asyncProperty(query, async (q) => {
        const answer = await through(metatype, q);
        const bad = [
          ...(['from', 'to'] as const).filter((k) => q[k] !== undefined && !isFinite(q[k])),
          ...(q.limit !== undefined && !isCount(q.limit, max) ? ['limit'] : []),
        ].sort();
        if (bad.length > 0) {
          expect(answer).toEqual({ ok: false, fields: bad });
          return;
        }
        expect(answer.ok).toBe(true);
        if (answer.ok) {
          const defined = Object.entries(answer.dto).filter(([, v]) => v !== undefined);
          expect(defined.map(([key]) => key).sort()).toEqual(
            ['from', 'to', 'limit'].filter((k) => k === 'limit' || q[k] !== undefined).sort(),
          );
          expect(answer.dto.limit).toBe(q.limit === undefined ? fallback : Number(q.limit));
          expect(Number.isInteger(answer.dto.limit)).toBe(true);
          expect(answer.dto.limit).toBeGreaterThanOrEqual(1);
          expect(answer.dto.limit).toBeLessThanOrEqual(max);
          for (const key of ['from', 'to'] as const) {
            expect(answer.dto[key] === undefined || Number.isFinite(answer.dto[key])).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
