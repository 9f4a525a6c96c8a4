import { FIRST_CHUNK, nextChunkSize } from './expired-readings.js';

describe(nextChunkSize.name, () => {
  it('aims the next transaction at about 10 ms', () => {
    expect(nextChunkSize(1000, 20)).toBe(500);
    expect(nextChunkSize(1000, 12.5)).toBe(800);
  });

  it('at most doubles, however fast the last one was', () => {
    expect(nextChunkSize(FIRST_CHUNK, 1)).toBe(2000);
    expect(nextChunkSize(FIRST_CHUNK, 0)).toBe(2000);
  });

  it('stays between 100 and 2000 readings', () => {
    expect(nextChunkSize(1500, 1)).toBe(2000);
    expect(nextChunkSize(200, 500)).toBe(100);
  });
});
