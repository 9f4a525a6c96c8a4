import { Transform } from 'class-transformer';

/**
 * A number from the query string. Blank is not a number here (JavaScript's `Number('')` is 0),
 * so `to=` is refused by the validator instead of being read as 1970.
 */
export function QueryNumber(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => {
    if (typeof value !== 'string') {
      return value;
    }
    return value.trim() === '' ? NaN : Number(value);
  });
}
