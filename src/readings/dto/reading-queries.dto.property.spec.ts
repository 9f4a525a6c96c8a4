import { BadRequestException } from '@nestjs/common';
import fc from 'fast-check';
import { parse } from 'node:querystring';
import { type FieldError } from '../../common/field-errors.js';
import { MAX_POINTS } from '../series.js';
import {
  DeviceFilterQuery,
  FromTimestampQuery,
  ReadingFilterQuery,
  ReadingsCsvQuery,
  ReadingsPageQuery,
  SeriesQuery,
} from './reading-queries.dto.js';
import { validationPipe } from '../../common/validation-pipe.js';

/** The global pipe, as the app uses it. */
const pipe = validationPipe();

type Query = Record<string, string | string[]>;
type Answer = { ok: true; dto: Record<string, unknown> } | { ok: false; fields: string[] };

/** A query through the pipe: the DTO, or the fields a 400 names. Any other error fails the test. */
async function through(metatype: new () => object, query: Query): Promise<Answer> {
  try {
    const dto: unknown = await pipe.transform(query, { type: 'query', metatype });
    expect(dto).toBeInstanceOf(metatype);
    return { ok: true, dto: dto as Record<string, unknown> };
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    const { errors } = (error as BadRequestException).getResponse() as { errors: FieldError[] };
    expect(errors.length).toBeGreaterThan(0);
    return { ok: false, fields: [...new Set(errors.map((e) => e.field))] };
  }
}

/** Text a user or a script might put in a number parameter. */
const numberText = fc.oneof(
  fc.integer({ min: -10, max: 2_000_000 }).map(String),
  fc.double().map(String),
  fc.constantFrom('', ' ', '0', '-0', '1', '1e3', '0x10', '1.5', 'Infinity', 'NaN', '1e400', ' 7 '),
  fc.string({ maxLength: 12 }),
);
const idText = fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.string({ maxLength: 200 }));
const typeText = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_.%-]{1,32}$/),
  fc.string({ maxLength: 40 }),
);

/** Values each parameter allows, as text, and whether the parameter is required. */
const ok = {
  id: fc.string({ minLength: 1, maxLength: 128 }),
  type: fc.stringMatching(/^[A-Za-z0-9_.%-]{1,32}$/),
  time: fc.double({ min: -1e12, max: 1e12, noNaN: true }).map(String),
  count: (max: number) => fc.integer({ min: 1, max }).map(String),
  after: fc.nat().map(String),
  cursor: fc.string({ maxLength: 100 }),
};
const NUMERIC = ['system_time', 'from', 'to', 'limit', 'points', 'after'];

/** A query built from the rules: required parameters always, optional ones sometimes. */
function validQueryOf(valid: Record<string, fc.Arbitrary<string>>, required: string[]) {
  return fc.record(valid, { requiredKeys: required }) as fc.Arbitrary<Query>;
}

/** What Express's 'simple' parser gives: a string, or an array of strings for a repeated key. */
const param = (text: fc.Arbitrary<string>) =>
  fc.oneof(
    { arbitrary: text, weight: 5 },
    { arbitrary: fc.array(text, { minLength: 2, maxLength: 3 }), weight: 1 },
  );

/** Known parameters, sometimes missing, plus unknown ones, on a null-prototype object like querystring.parse. */
function queryOf(known: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<Query> {
  const fields = Object.fromEntries(Object.entries(known).map(([k, text]) => [k, param(text)]));
  return fc
    .tuple(
      fc.record(fields, { requiredKeys: [] }),
      fc.dictionary(
        fc.oneof(
          fc.string({ maxLength: 8 }),
          fc.constantFrom('__proto__', 'constructor', 'toString'),
        ),
        param(fc.string({ maxLength: 10 })),
        { maxKeys: 3 },
      ),
    )
    .map(([given, unknown]) => {
      const query = Object.create(null) as Query;
      for (const [key, value] of [...Object.entries(unknown), ...Object.entries(given)]) {
        query[key] = value as string | string[];
      }
      return query;
    });
}

/** A raw query string, as a browser or curl sends it, parsed the way Express's 'simple' parser does. */
function rawQueryOf(names: string[]): fc.Arbitrary<Query> {
  const pair = fc.tuple(
    fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 6 })),
    fc.oneof(
      numberText,
      fc.string({ unit: 'binary', maxLength: 20 }),
      fc.constantFrom('%', '%zz', '+', '%00'),
    ),
    fc.boolean(),
  );
  return fc
    .array(pair, { maxLength: 8 })
    .map(
      (pairs) =>
        parse(
          pairs.map(([k, v, enc]) => `${k}=${enc ? encodeURIComponent(v) : v}`).join('&'),
        ) as Query,
    );
}

const isCanonicalInt = (value: unknown): value is string =>
  typeof value === 'string' && /^(0|[1-9]\d{0,8})$/.test(value);

/** Every accepted DTO: only declared properties, numbers finite, counts whole and in range. */
function expectWithinBounds(
  dto: Record<string, unknown>,
  declared: string[],
  counts: Record<string, number>,
) {
  for (const key of Object.keys(dto)) {
    expect(declared).toContain(key);
  }
  for (const key of ['from', 'to', 'system_time']) {
    if (dto[key] !== undefined) {
      expect(Number.isFinite(dto[key])).toBe(true);
    }
  }
  for (const [key, max] of Object.entries(counts)) {
    expect(Number.isInteger(dto[key])).toBe(true);
    expect(dto[key]).toBeGreaterThanOrEqual(1);
    expect(dto[key]).toBeLessThanOrEqual(max);
  }
  if (dto.after !== undefined) {
    expect(Number.isInteger(dto.after) && (dto.after as number) >= 0).toBe(true);
  }
  for (const key of ['id', 'cursor']) {
    if (dto[key] !== undefined) {
      expect(typeof dto[key]).toBe('string');
    }
  }
  if (dto.id !== undefined) {
    expect((dto.id as string).length).toBeGreaterThanOrEqual(1);
    expect((dto.id as string).length).toBeLessThanOrEqual(128);
  }
  if (dto.type !== undefined) {
    expect(typeof dto.type === 'string' && /^[A-Za-z0-9_.%-]{1,32}$/.test(dto.type)).toBe(true);
  }
  if (dto.cursor !== undefined) {
    expect((dto.cursor as string).length).toBeLessThanOrEqual(100);
  }
}

const cases = [
  {
    metatype: DeviceFilterQuery,
    known: { id: idText },
    valid: { id: ok.id },
    required: [],
    counts: {},
    defaults: {},
  },
  {
    metatype: FromTimestampQuery,
    known: { id: idText, system_time: numberText, limit: numberText, after: numberText },
    valid: { id: ok.id, system_time: ok.time, limit: ok.count(50000), after: ok.after },
    required: ['system_time'],
    counts: { limit: 50000 },
    defaults: { limit: 10000 },
  },
  {
    metatype: ReadingFilterQuery,
    known: { id: idText, type: typeText, from: numberText, to: numberText },
    valid: { id: ok.id, type: ok.type, from: ok.time, to: ok.time },
    required: [],
    counts: {},
    defaults: {},
  },
  {
    metatype: ReadingsPageQuery,
    known: {
      id: idText,
      type: typeText,
      from: numberText,
      to: numberText,
      limit: numberText,
      cursor: fc.string({ maxLength: 120 }),
    },
    valid: {
      id: ok.id,
      type: ok.type,
      from: ok.time,
      to: ok.time,
      limit: ok.count(1000),
      cursor: ok.cursor,
    },
    required: [],
    counts: { limit: 1000 },
    defaults: { limit: 100 },
  },
  {
    metatype: ReadingsCsvQuery,
    known: { id: idText, type: typeText, from: numberText, to: numberText, limit: numberText },
    valid: { id: ok.id, type: ok.type, from: ok.time, to: ok.time, limit: ok.count(1_000_000) },
    required: [],
    counts: { limit: 1_000_000 },
    defaults: { limit: 100000 },
  },
  {
    metatype: SeriesQuery,
    known: { id: idText, type: typeText, from: numberText, to: numberText, points: numberText },
    valid: { id: ok.id, type: ok.type, from: ok.time, to: ok.time, points: ok.count(MAX_POINTS) },
    required: ['id', 'type'],
    counts: { points: MAX_POINTS },
    defaults: { points: 300 },
  },
] as const;

describe('reading query DTOs through the global ValidationPipe', () => {
  describe.each(cases)(
    '$metatype.name',
    ({ metatype, known, valid, required, counts, defaults }) => {
      const declared = Object.keys(known);
      const validQuery = validQueryOf(valid, [...required]);

      it('answers any record of strings with a DTO within bounds or a 400 naming its fields', async () => {
        let accepted = 0;
        await fc.assert(
          fc.asyncProperty(
            fc.oneof(queryOf(known), rawQueryOf(declared), validQuery),
            async (query) => {
              const answer = await through(metatype, query);
              if (answer.ok) {
                accepted++;
                expectWithinBounds(answer.dto, declared, counts);
              } else {
                for (const field of answer.fields) {
                  expect(declared).toContain(field);
                }
              }
            },
          ),
          { numRuns: 150 },
        );
        expect(accepted).toBeGreaterThan(10);
      });

      it('accepts any query built from the rules and gives back its values', async () => {
        await fc.assert(
          fc.asyncProperty(validQuery, queryOf({}), async (query, unknown) => {
            const others = Object.entries(unknown).filter(([key]) => !declared.includes(key));
            const answer = await through(metatype, { ...Object.fromEntries(others), ...query });
            const expected: Record<string, unknown> = { ...defaults };
            for (const [key, text] of Object.entries(query)) {
              expected[key] = NUMERIC.includes(key) ? Number(text) : text;
            }
            expect(answer.ok).toBe(true);
            if (answer.ok) {
              const defined = Object.entries(answer.dto).filter(([, v]) => v !== undefined);
              expect(Object.fromEntries(defined)).toEqual(expected);
            }
          }),
          { numRuns: 100 },
        );
      });

      it('takes a whole count in range as given, its default when missing, and names it otherwise', async () => {
        await fc.assert(
          fc.asyncProperty(queryOf(known), async (query) => {
            const answer = await through(metatype, query);
            for (const [key, max] of Object.entries(counts)) {
              const given = query[key];
              if (given === undefined) {
                expect(
                  !answer.ok || answer.dto[key] === defaults[key as keyof typeof defaults],
                ).toBe(true);
              } else if (isCanonicalInt(given)) {
                const n = Number(given);
                const inRange = n >= 1 && n <= max;
                if (answer.ok) {
                  expect(inRange).toBe(true);
                  expect(answer.dto[key]).toBe(n);
                } else {
                  expect(answer.fields.includes(key)).toBe(!inRange);
                }
              } else if (Array.isArray(given)) {
                expect(answer.ok).toBe(false);
                expect(!answer.ok && answer.fields).toContain(key);
              }
            }
          }),
          { numRuns: 150 },
        );
      });
    },
  );

  it('refuses a from_timestamp query without a finite system_time, naming it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constant(undefined),
          fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e400', 'soon', 'abc'),
          fc.array(fc.integer().map(String), { minLength: 2, maxLength: 3 }),
        ),
        async (systemTime) => {
          const query: Query = systemTime === undefined ? {} : { system_time: systemTime };
          const answer = await through(FromTimestampQuery, query);
          expect(answer).toEqual({ ok: false, fields: ['system_time'] });
        },
      ),
    );
  });
});
