import fc from 'fast-check';
import { decodeCursor, encodeCursor } from './reading-cursor.js';

describe('reading cursors', () => {
  it('decodes what it encoded', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 4e9, noNaN: true }), fc.nat(), (ts, readingId) => {
        expect(decodeCursor(encodeCursor({ ts, readingId }))).toEqual({ ts, readingId });
      }),
    );
  });

  it('answers null for any other text, never a throw', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), (text) => {
        const cursor = decodeCursor(text);
        expect(cursor === null || Number.isFinite(cursor.ts)).toBe(true);
      }),
    );
    expect(decodeCursor('not a cursor')).toBeNull();
  });
});
