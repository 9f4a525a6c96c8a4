/** A JSON object (not an array, null, or an instance of some class). */
export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  Object.prototype.toString.call(value) === '[object Object]';

/**
 * How many own enumerable keys `object` has (what Object.keys would list), or -1 when one is
 * not `allowed`: counted without the array of keys Object.keys builds, on paths that check
 * every document.
 */
export function countKeys(object: Record<string, unknown>, allowed?: Set<string>): number {
  let count = 0;
  for (const key in object) {
    if (Object.hasOwn(object, key)) {
      if (allowed && !allowed.has(key)) {
        return -1;
      }
      count++;
    }
  }
  return count;
}
