import fc from 'fast-check';
import { decodeCursor, encodeCursor, type ReadingCursor } from './reading-cursor.js';

const base64url = (text: string) => Buffer.from(text, 'latin1').toString('base64url');
const readingId = fc.oneof(fc.nat(), fc.maxSafeNat());
const anyTs = fc.double({ noNaN: true, noDefaultInfinity: true });

/** What a client may send back as `cursor`: anything, base64url of anything, near-cursors. */
const cursorText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 120 }),
  fc.stringMatching(/^[A-Za-z0-9_-]{0,120}$/),
  fc.uint8Array({ maxLength: 90 }).map((bytes) => Buffer.from(bytes).toString('base64url')),
  fc
    .tuple(
      fc.oneof(
        anyTs.map(String),
        fc.string({ maxLength: 12 }),
        fc.constantFrom('1e400', '-0', 'NaN'),
      ),
      fc.oneof(
        readingId.map(String),
        fc.string({ maxLength: 18 }),
        fc.constantFrom('99999999999999999', '-1'),
      ),
      fc.constantFrom(':', '::', ';', ''),
    )
    .map(([ts, id, sep]) => base64url(`${ts}${sep}${id}`)),
);

function expectSoundCursor(cursor: ReadingCursor | null): void {
  if (cursor !== null) {
    expect(Object.keys(cursor).sort()).toEqual(['readingId', 'ts']);
    expect(Number.isFinite(cursor.ts)).toBe(true);
    expect(Number.isSafeInteger(cursor.readingId) && cursor.readingId >= 0).toBe(true);
  }
}

describe('reading cursor properties', () => {
  it('answers any text with null or a cursor of a finite time and a safe reading id', () => {
    fc.assert(
      fc.property(cursorText, (text) => {
        expectSoundCursor(decodeCursor(text));
      }),
      { numRuns: 1000 },
    );
  });

  it('decodes what it encoded for any finite time, however large, small or negative', () => {
    fc.assert(
      fc.property(anyTs, readingId, (ts, id) => {
        const cursor = decodeCursor(encodeCursor({ ts, readingId: id }));
        expect(cursor).not.toBeNull();
        // -0 is written "0": the same position
        expect(cursor!.ts === ts && cursor!.readingId === id).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('gives the same position back when a decoded cursor is encoded again', () => {
    fc.assert(
      fc.property(cursorText, (text) => {
        const cursor = decodeCursor(text);
        if (cursor !== null) {
          const again = decodeCursor(encodeCursor(cursor));
          // -0 comes back as 0: the same position
          expect(
            again !== null && again.ts === cursor.ts && again.readingId === cursor.readingId,
          ).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a reading id that is not a safe whole number and a time that is not finite', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc
            .bigInt({ min: 2n ** 53n, max: 10n ** 16n - 1n })
            .map((id) => base64url(`1673049150:${id}`)),
          fc
            .constantFrom('-1', '1.5', '', '1e3', '00000000000000001x')
            .map((id) => base64url(`1:${id}`)),
          fc
            .constantFrom('1e400', '-1e400', 'Infinity', 'NaN', '')
            .map((ts) => base64url(`${ts}:1`)),
        ),
        (text) => {
          expect(decodeCursor(text)).toBeNull();
        },
      ),
    );
  });
});
