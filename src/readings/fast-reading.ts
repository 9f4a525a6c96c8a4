import { countKeys, isPlainObject } from '../common/plain-object.js';
import { EARLIEST_TS, MAX_AHEAD_SECONDS } from './dto/is-reading-time.validator.js';
import { MAX_SENSORS } from './dto/receive-reading.dto.js';
import type { ReadingInput } from './reading.js';

const TOP_LEVEL = new Set(['id', 'ts', 'pct', 'sensors']);
const SENSOR_TYPE = /^[A-Za-z0-9_.%-]{1,32}$/;
// Characters whose length class-validator counts differently (surrogate pairs, variation
// selectors), and control characters: such ids take the full validation.
// eslint-disable-next-line no-control-regex, no-misleading-character-class -- these are the point
const NOT_SIMPLE_ID = /[\u0000-\u001f\u007f\uD800-\uDFFF\uFE0E\uFE0F]/;

const isFiniteNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);

function simpleSensors(value: unknown): ReadingInput['sensors'] | null {
  if (!Array.isArray(value) || value.length < 1 || value.length > MAX_SENSORS) {
    return null;
  }
  const sensors: ReadingInput['sensors'] = [];
  for (const sensor of value) {
    if (!isPlainObject(sensor)) {
      return null;
    }
    const { type, val } = sensor;
    if (
      countKeys(sensor) !== 2 ||
      typeof type !== 'string' ||
      !SENSOR_TYPE.test(type) ||
      !isFiniteNumber(val)
    ) {
      return null;
    }
    sensors.push({ type, val });
  }
  return sensors;
}

/**
 * The common case checked by hand: a document with only the documented fields, a numeric `ts`,
 * a plain id, each sensor `{type, val}`. It accepts exactly what the class-validator DTO
 * accepts for such a document and builds the same reading (a property test compares them);
 * anything else (an error to describe, an ISO time, extra fields) returns null and takes the
 * full validation, which names each bad field. Validating by hand is several times faster,
 * and ingest validates every document.
 */
export function fastReading(plain: unknown, nowSeconds = Date.now() / 1000): ReadingInput | null {
  if (!isPlainObject(plain)) {
    return null;
  }
  if (countKeys(plain, TOP_LEVEL) < 0) {
    return null;
  }
  const { id, ts, pct, sensors } = plain;
  if (
    typeof id !== 'string' ||
    id.length < 1 ||
    id.length > 128 ||
    NOT_SIMPLE_ID.test(id) ||
    !isFiniteNumber(ts) ||
    ts < EARLIEST_TS ||
    ts > nowSeconds + MAX_AHEAD_SECONDS ||
    (pct !== undefined && pct !== null && !(isFiniteNumber(pct) && pct >= 0 && pct <= 100))
  ) {
    return null;
  }
  const checked = simpleSensors(sensors);
  return checked && { id, ts, pct: (pct as number | null | undefined) ?? null, sensors: checked };
}
