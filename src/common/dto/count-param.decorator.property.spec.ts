import { BadRequestException } from '@nestjs/common';
import fc from 'fast-check';
import { type FieldError } from '../field-errors.js';
import { CountParam } from './count-param.decorator.js';
import { validationPipe } from '../validation-pipe.js';

/** The global pipe, as the app uses it. */
const pipe = validationPipe();

/** A query class with one CountParam, as the DTOs declare it: `@CountParam(d, max) limit = d`. */
function countQuery(defaultValue: number, max: number): new () => { limit: number } {
  class CountQuery {
    limit = defaultValue;
  }
  CountParam(defaultValue, max)(CountQuery.prototype, 'limit');
  return CountQuery;
}

async function limitOf(
  metatype: new () => { limit: number },
  query: Record<string, unknown>,
): Promise<number | FieldError[]> {
  try {
    const dto = (await pipe.transform(query, { type: 'query', metatype })) as { limit: number };
    expect(dto).toBeInstanceOf(metatype);
    return dto.limit;
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    return ((error as BadRequestException).getResponse() as { errors: FieldError[] }).errors;
  }
}

const bounds = fc
  .integer({ min: 1, max: 1_000_000 })
  .chain((max) => fc.tuple(fc.integer({ min: 1, max }), fc.constant(max)));
const classes = new Map<string, new () => { limit: number }>();
/** One class per bound pair: class-validator keeps metadata per class for good. */
function classFor(defaultValue: number, max: number) {
  const key = `${defaultValue}/${max}`;
  if (!classes.has(key)) {
    classes.set(key, countQuery(defaultValue, max));
  }
  return classes.get(key)!;
}

describe(`${CountParam.name} properties`, () => {
  it('takes its default when the parameter is missing', async () => {
    await fc.assert(
      fc.asyncProperty(bounds, async ([defaultValue, max]) => {
        expect(await limitOf(classFor(defaultValue, max), {})).toBe(defaultValue);
      }),
      { numRuns: 50 },
    );
  });

  it('takes a whole number from 1 to max, and names the parameter for anything else', async () => {
    const text = fc.oneof(
      fc.integer({ min: -5, max: 2_000_005 }).map(String),
      fc.double().map(String),
      fc.string({ maxLength: 10 }),
      fc.constantFrom('', ' ', '1.0', '1e3', '0x10', '-0', 'Infinity', '9007199254740993'),
    );
    await fc.assert(
      fc.asyncProperty(
        bounds,
        fc.oneof(text, fc.array(text, { minLength: 1, maxLength: 3 })),
        async ([defaultValue, max], given) => {
          const answer = await limitOf(classFor(defaultValue, max), { limit: given, other: 'x' });
          if (typeof answer === 'number') {
            expect(Number.isInteger(answer)).toBe(true);
            expect(answer).toBeGreaterThanOrEqual(1);
            expect(answer).toBeLessThanOrEqual(max);
            expect(typeof given === 'string' && Number(given)).toBe(answer);
          } else {
            expect(answer.length).toBeGreaterThan(0);
            expect(new Set(answer.map((error) => error.field))).toEqual(new Set(['limit']));
            if (typeof given === 'string') {
              const n = Number(given);
              expect(Number.isInteger(n) && n >= 1 && n <= max).toBe(false);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('accepts every whole number in range as written in decimal', async () => {
    await fc.assert(
      fc.asyncProperty(
        bounds.chain(([d, max]) =>
          fc.tuple(fc.constant(d), fc.constant(max), fc.integer({ min: 1, max })),
        ),
        async ([defaultValue, max, n]) => {
          expect(await limitOf(classFor(defaultValue, max), { limit: String(n) })).toBe(n);
        },
      ),
      { numRuns: 100 },
    );
  });
});
