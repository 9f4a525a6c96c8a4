import { registerDecorator, type ValidationOptions } from 'class-validator';

/** 2000-01-01T00:00:00Z: older stamps are a device clock that was never set. */
export const EARLIEST_TS = 946684800;
export const MAX_AHEAD_SECONDS = 24 * 3600;

const ISO_8601 =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** Unix seconds of a `ts` value, or NaN when it is neither a finite number nor an ISO-8601 string. */
export function toUnixSeconds(value: unknown): number {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? value : NaN;
  }
  if (typeof value === 'string' && value.length <= 40 && ISO_8601.test(value)) {
    const [year, month, day] = value.slice(0, 10).split('-').map(Number);
    // Date.parse rolls 2023-02-30 over into March; a day its month does not have is refused
    const lastDay = new Date(0);
    lastDay.setUTCFullYear(year, month, 0);
    return day > lastDay.getUTCDate() ? NaN : Date.parse(value) / 1000;
  }
  return NaN;
}

export function isReadingTime(value: unknown, nowSeconds = Date.now() / 1000): boolean {
  const seconds = toUnixSeconds(value);
  return seconds >= EARLIEST_TS && seconds <= nowSeconds + MAX_AHEAD_SECONDS;
}

export function IsReadingTime(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) => {
    registerDecorator({
      name: 'isReadingTime',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message:
          'ts must be Unix seconds or an ISO-8601 time from 2000-01-01 up to 24 hours ahead of the server clock',
        ...options,
      },
      validator: { validate: (value: unknown) => isReadingTime(value) },
    });
  };
}
