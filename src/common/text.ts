/* eslint-disable no-control-regex -- these patterns exist to find control characters */
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;
export const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001f\u007f]*$/;
/* eslint-enable no-control-regex */

/** A device id as every channel accepts it: 1–128 characters, none of them control characters. */
export function isDeviceId(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length >= 1 &&
    value.length <= 128 &&
    !CONTROL_CHARACTERS.test(value)
  );
}
