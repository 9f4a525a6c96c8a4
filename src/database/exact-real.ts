// SQLite turns decimal text into a double without always rounding correctly: about one random
// 17-digit double in ten thousand came back one unit in the last place off when it travelled
// as JSON. A double is therefore sent as an integer mantissa and a power of two, both exact in
// JSON, and SQLite multiplies them back: the product of two exact doubles that is itself a
// double is exact.

const view = new DataView(new ArrayBuffer(8));
const TWO_32 = 2 ** 32;
const IMPLICIT_BIT_HIGH = 2 ** 20;

/** Trailing zero bits of a non-zero 32-bit integer. */
const trailingZeros = (bits: number): number => 31 - Math.clz32(bits & -bits);

/** `value` as [mantissa, exponent] with value = mantissa · 2^exponent exactly; null as [null, 0]. */
export function exactReal(value: number | null): [number | null, number] {
  if (value === null || Number.isSafeInteger(value)) {
    return [value, 0];
  }
  if (!Number.isFinite(value)) {
    throw new RangeError(`${value} cannot be stored`);
  }
  view.setFloat64(0, value);
  const high = view.getUint32(0);
  const low = view.getUint32(4);
  const biased = (high >>> 20) & 0x7ff;
  const top = (high & 0xfffff) + (biased === 0 ? 0 : IMPLICIT_BIT_HIGH);
  let exponent = biased === 0 ? -1074 : biased - 1075;
  // Drop the mantissa's trailing zero bits while the exponent is negative: shorter JSON.
  const zeros = low !== 0 ? trailingZeros(low) : 32 + trailingZeros(top);
  const shift = Math.max(0, Math.min(zeros, -exponent));
  exponent += shift;
  const mantissa = (top * TWO_32 + low) / 2 ** shift;
  return [high >>> 31 ? -mantissa : mantissa, exponent];
}

/** The SQL that rebuilds the double from the two JSON cells `mantissa` and `exponent`. */
export const EXACT_REAL_SQL = (mantissa: string, exponent: string): string =>
  `(${mantissa}) * pow(2, ${exponent})`;
