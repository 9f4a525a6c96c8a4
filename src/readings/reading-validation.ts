import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { type FieldError, flattenValidationErrors } from '../common/field-errors.js';
import { isPlainObject } from '../common/plain-object.js';
import { toUnixSeconds } from './dto/is-reading-time.validator.js';
import { ReceiveReadingDto } from './dto/receive-reading.dto.js';
import { fastReading } from './fast-reading.js';
import type { ReadingInput } from './reading.js';

export type ReadingCheck =
  { ok: true; reading: ReadingInput } | { ok: false; errors: FieldError[] };

export const VALIDATOR_OPTIONS = { whitelist: true, forbidUnknownValues: true } as const;

/** Levels of nesting a document may hold: class-transformer recurses per level and a deeper one overflows the stack. */
export const MAX_DOCUMENT_DEPTH = 32;

function nestedDeeperThan(value: unknown, levels: number): boolean {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  return levels === 0 || Object.values(value).some((item) => nestedDeeperThan(item, levels - 1));
}

/** A validated DTO as the plain document that is stored: unknown fields gone, `ts` in seconds. */
export function toReadingInput(dto: ReceiveReadingDto): ReadingInput {
  return {
    id: dto.id,
    ts: toUnixSeconds(dto.ts),
    pct: dto.pct ?? null,
    sensors: dto.sensors.map((sensor) => ({ type: sensor.type, val: sensor.val })),
  };
}

/**
 * Validates one document from any channel (batch items, MQTT payloads) with the same rules as
 * the HTTP ValidationPipe. `path` prefixes field names, e.g. `3` for the fourth batch item.
 */
export function checkReading(plain: unknown, path = ''): ReadingCheck {
  const fast = fastReading(plain);
  return fast ? { ok: true, reading: fast } : checkReadingFully(plain, path);
}

/** The full validation by the DTO: every rule, and each bad field named. */
export function checkReadingFully(plain: unknown, path = ''): ReadingCheck {
  // Not only arrays: a Map or Set would reach class-validator as an unknown value with no field name
  if (!isPlainObject(plain)) {
    return {
      ok: false,
      errors: [{ field: path || 'body', message: 'a reading must be a JSON object' }],
    };
  }
  if (nestedDeeperThan(plain, MAX_DOCUMENT_DEPTH)) {
    return {
      ok: false,
      errors: [
        {
          field: path || 'body',
          message: `a reading must not nest more than ${MAX_DOCUMENT_DEPTH} levels deep`,
        },
      ],
    };
  }
  const dto = plainToInstance(ReceiveReadingDto, plain);
  const errors = validateSync(dto, VALIDATOR_OPTIONS);
  if (errors.length > 0) {
    return { ok: false, errors: flattenValidationErrors(errors, path) };
  }
  return { ok: true, reading: toReadingInput(dto) };
}
