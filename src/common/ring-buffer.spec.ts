import fc from 'fast-check';
import { RingBuffer } from './ring-buffer.js';

describe(RingBuffer.name, () => {
  it('keeps the last `capacity` items in order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.integer(), { maxLength: 100 }),
        (capacity, items) => {
          const ring = new RingBuffer<number>(capacity);
          items.forEach((item) => ring.push(item));
          expect(ring.toArray()).toEqual(items.slice(-capacity));
          expect(ring.length).toBe(Math.min(capacity, items.length));
        },
      ),
    );
  });
});
