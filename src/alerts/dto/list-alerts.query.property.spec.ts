import { BadRequestException } from '@nestjs/common';
import fc from 'fast-check';
import { type FieldError } from '../../common/field-errors.js';
import { ListAlertsQuery } from './list-alerts.query.js';
import { validationPipe } from '../../common/validation-pipe.js';

/** The global pipe, as the app uses it. */
const pipe = validationPipe();

type Query = Record<string, string | string[]>;
type Answer = { ok: true; dto: ListAlertsQuery } | { ok: false; fields: string[] };

async function through(query: Query): Promise<Answer> {
  try {
    const dto = (await pipe.transform(query, {
      type: 'query',
      metatype: ListAlertsQuery,
    })) as ListAlertsQuery;
    expect(dto).toBeInstanceOf(ListAlertsQuery);
    return { ok: true, dto };
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    const { errors } = (error as BadRequestException).getResponse() as { errors: FieldError[] };
    expect(errors.length).toBeGreaterThan(0);
    return { ok: false, fields: [...new Set(errors.map((e) => e.field))].sort() };
  }
}

const STATES = ['active', 'acknowledged', 'resolved'];
const SEVERITIES = ['error', 'warning', 'info'];

/** Usually a value the rules allow, else anything near it. */
const mostly = (right: fc.Arbitrary<string>, other: fc.Arbitrary<string>) =>
  fc.oneof({ arbitrary: right, weight: 3 }, { arbitrary: fc.oneof(other, fc.string()), weight: 1 });
const oneOrMany = (text: fc.Arbitrary<string>) =>
  fc.oneof(
    { arbitrary: text, weight: 5 },
    { arbitrary: fc.array(text, { minLength: 2, maxLength: 3 }), weight: 1 },
  );
const query = fc
  .tuple(
    fc.record(
      {
        state: oneOrMany(
          mostly(fc.constantFrom(...STATES), fc.constantFrom('ACTIVE', 'constructor', '')),
        ),
        severity: oneOrMany(mostly(fc.constantFrom(...SEVERITIES), fc.constantFrom('Error', ''))),
        rule: oneOrMany(
          mostly(fc.string({ minLength: 1, maxLength: 64 }), fc.string({ maxLength: 70 })),
        ),
        subject: oneOrMany(
          mostly(
            fc.string({ minLength: 1, maxLength: 200 }),
            fc.string({ maxLength: 210, unit: 'binary' }),
          ),
        ),
        limit: oneOrMany(
          mostly(
            fc.integer({ min: 1, max: 500 }).map(String),
            fc.oneof(
              fc.integer({ min: -5, max: 600 }).map(String),
              fc.constantFrom('', '1.5', '1e2', 'NaN', 'Infinity'),
              fc.string({ maxLength: 5 }),
            ),
          ),
        ),
      },
      { requiredKeys: [] },
    ),
    fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 }),
  )
  .map(([known, other]) => Object.assign(Object.create(null) as Query, other, known));

/** The parameters a query breaks, by the rules of ListAlertsQuery. */
function badOf(q: Query): string[] {
  const isText = (v: unknown, max: number) =>
    typeof v === 'string' && v.length >= 1 && v.length <= max;
  const bad: string[] = [];
  if (q.state !== undefined && !STATES.includes(q.state as string)) {
    bad.push('state');
  }
  if (q.severity !== undefined && !SEVERITIES.includes(q.severity as string)) {
    bad.push('severity');
  }
  if (q.rule !== undefined && !isText(q.rule, 64)) {
    bad.push('rule');
  }
  if (q.subject !== undefined && !isText(q.subject, 200)) {
    bad.push('subject');
  }
  const n = typeof q.limit === 'string' ? Number(q.limit) : NaN;
  if (q.limit !== undefined && !(Number.isInteger(n) && n >= 1 && n <= 500)) {
    bad.push('limit');
  }
  return bad.sort();
}

describe(`${ListAlertsQuery.name} through the global ValidationPipe`, () => {
  it('gives filters as sent and a limit of 1–500, or a 400 naming exactly the bad parameters', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(query, async (q) => {
        const answer = await through(q);
        const bad = badOf(q);
        if (bad.length > 0) {
          expect(answer).toEqual({ ok: false, fields: bad });
          return;
        }
        accepted++;
        const expected: Record<string, unknown> = {
          limit: q.limit === undefined ? 20 : Number(q.limit),
        };
        for (const key of ['state', 'severity', 'rule', 'subject']) {
          if (q[key] !== undefined) {
            expected[key] = q[key];
          }
        }
        expect(answer).toEqual({ ok: true, dto: expect.objectContaining(expected) as unknown });
        const defined = answer.ok
          ? Object.entries(answer.dto).filter(([, v]) => v !== undefined)
          : [];
        expect(defined.map(([key]) => key).sort()).toEqual(Object.keys(expected).sort());
      }),
      { numRuns: 400 },
    );
    expect(accepted).toBeGreaterThan(10);
  });
});
