import fc from 'fast-check';
import type { StoredReading } from './reading.js';
import { hourOf, rollUp } from './reading-rollups.js';

function reading(id: string, ts: number, sensors: [string, number][]): StoredReading {
  return {
    readingId: 1,
    id,
    ts,
    pct: null,
    sensors: sensors.map(([type, val]) => ({ type, val })),
    receivedAt: ts,
    source: 'http',
    gateway: null,
  };
}

describe(hourOf.name, () => {
  it('gives the start of the UTC hour, fractions included', () => {
    expect(hourOf(1710001000)).toBe(1710000000);
    expect(hourOf(1710000000)).toBe(1710000000);
    expect(hourOf(1709999999.999)).toBe(1709996400);
  });
});

describe(rollUp.name, () => {
  it('folds values per device, type and hour, several cells of one type included', () => {
    const h = 1710000000;
    const rows = rollUp([
      reading('b', h + 10, [
        ['CO', 5],
        ['CO', -1.5],
      ]),
      reading('a', h + 3599.5, [['CO', 2]]),
      reading('b', h + 20, [['CO', 7]]),
      reading('b', h + 3600, [['CO', 1]]),
    ]);
    expect(rows).toEqual([
      { deviceId: 'a', type: 'CO', hour: h, min: 2, max: 2, sum: 2, count: 1 },
      { deviceId: 'b', type: 'CO', hour: h, min: -1.5, max: 7, sum: 10.5, count: 3 },
      { deviceId: 'b', type: 'CO', hour: h + 3600, min: 1, max: 1, sum: 1, count: 1 },
    ]);
  });

  it('counts every value once and keeps keys unique and in order', () => {
    const sensor = fc.tuple(
      fc.constantFrom('CO', 'H2S', 'O2'),
      fc.double({ noNaN: true, min: -1e6, max: 1e6 }),
    );
    const doc = fc.tuple(
      fc.constantFrom('d1', 'd2', 'd10'),
      fc.integer({ min: 1.6e9, max: 1.6e9 + 5 * 3600 }),
      fc.array(sensor, { minLength: 1, maxLength: 4 }),
    );
    fc.assert(
      fc.property(fc.array(doc, { maxLength: 40 }), (docs) => {
        const rows = rollUp(docs.map(([id, ts, sensors]) => reading(id, ts, sensors)));
        // joined by the lowest character, and hours all of ten digits, keys sort as their rows should
        const keys = rows.map((r) => [r.deviceId, r.type, r.hour].join('\u0000'));
        expect(new Set(keys).size).toBe(keys.length);
        expect(rows.reduce((n, r) => n + r.count, 0)).toBe(
          docs.reduce((n, [, , sensors]) => n + sensors.length, 0),
        );
        const sorted = [...keys].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
        expect(keys).toEqual(sorted);
        for (const row of rows) {
          const values = docs
            .filter(([id, ts]) => id === row.deviceId && hourOf(ts) === row.hour)
            .flatMap(([, , sensors]) => sensors.filter(([type]) => type === row.type))
            .map(([, val]) => val);
          expect(row.min).toBe(Math.min(...values));
          expect(row.max).toBe(Math.max(...values));
          expect(row.count).toBe(values.length);
        }
      }),
    );
  });
});
