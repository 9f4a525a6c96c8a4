import type { ArgumentMetadata } from '@nestjs/common';
import fc from 'fast-check';
import { parse } from 'node:querystring';
import { validationPipe } from '../common/validation-pipe.js';
import { DeviceFilterPipe } from './device-filter.pipe.js';
import { DeviceFilterQuery } from './dto/reading-queries.dto.js';

const metadata: ArgumentMetadata = { type: 'query', metatype: Object, data: undefined };

/** What a promise gives: its value, or the answer its error would be. */
async function outcome(promise: Promise<unknown>): Promise<unknown> {
  try {
    const value = await promise;
    return { value, kind: value?.constructor?.name };
  } catch (error) {
    return { error: (error as { getResponse?: () => unknown }).getResponse?.() ?? String(error) };
  }
}

// ids of every kind: empty, long, unicode with surrogate pairs and variation selectors, control
const text = fc.oneof(
  fc.string({ maxLength: 140 }),
  fc.string({ minLength: 120, maxLength: 140 }),
  fc.string({ unit: 'binary', maxLength: 140 }),
  fc.string({
    unit: fc.constantFrom('a', '\uFE0F', '\uD83D\uDE00', '\u0000', ' '),
    maxLength: 140,
  }),
);
// query strings as Express's `simple` parser (querystring) turns them into objects
const queryString = fc
  .array(fc.tuple(fc.constantFrom('id', 'id', 'ts', 'limit', '__proto__'), text), {
    maxLength: 3,
  })
  .map((pairs) => pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&'));

describe(DeviceFilterPipe.name, () => {
  const pipe = new DeviceFilterPipe();
  const full = validationPipe();

  it('gives what the full validation of DeviceFilterQuery gives, for any query', async () => {
    await fc.assert(
      fc.asyncProperty(queryString, async (qs) => {
        const query = parse(qs);
        expect(await outcome(pipe.transform(query, metadata))).toEqual(
          await outcome(full.transform(query, { ...metadata, metatype: DeviceFilterQuery })),
        );
      }),
      { numRuns: 3000 },
    );
  });

  it('answers the usual queries itself', async () => {
    await expect(pipe.transform(parse('id=kitchen%20co'), metadata)).resolves.toEqual(
      Object.assign(new DeviceFilterQuery(), { id: 'kitchen co' }),
    );
    await expect(pipe.transform(parse(''), metadata)).resolves.toEqual(new DeviceFilterQuery());
  });
});
