import type { FieldError } from '../common/field-errors.js';
import { isDeviceId } from '../common/text.js';
import { checkReading } from '../readings/reading-validation.js';
import type { ReadingInput } from '../readings/reading.js';

/** Largest MQTT payload taken; larger ones are refused by the broker guard or dropped. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

export type GatewayMessage =
  | { kind: 'reading'; gateway: number; reading: ReadingInput }
  | { kind: 'activity'; gateway: number; sensorId: string }
  | { kind: 'ignored' }
  | { kind: 'invalid'; reason: string; errors?: FieldError[] };

/** The gateway number of `topic` under `prefix`: null when the topic is not the prefix's; NaN when its last level is not a whole number. */
export function gatewayOf(topic: string, prefix: string): number | null {
  if (!topic.startsWith(`${prefix}/`)) {
    return null;
  }
  const level = topic.slice(prefix.length + 1);
  return /^\d{1,9}$/.test(level) ? Number(level) : NaN;
}

/**
 * One MQTT message as sitewatch understands it: a reading document (it has `sensors`), an
 * activity signal (an `id` and no `sensors`), or something to count and drop. Never throws.
 */
export function parseGatewayMessage(
  topic: string,
  payload: Buffer,
  prefix: string,
): GatewayMessage {
  const gateway = gatewayOf(topic, prefix);
  if (gateway === null) {
    return { kind: 'ignored' };
  }
  if (Number.isNaN(gateway)) {
    return {
      kind: 'invalid',
      reason: `topic ${topic.slice(0, 200)}: the last level must be a gateway number`,
    };
  }
  if (payload.length > MAX_PAYLOAD_BYTES) {
    return {
      kind: 'invalid',
      reason: `payload of ${payload.length} bytes over ${MAX_PAYLOAD_BYTES}`,
    };
  }
  let document: unknown;
  try {
    document = JSON.parse(payload.toString('utf8'));
  } catch {
    return { kind: 'invalid', reason: 'payload is not JSON' };
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    return { kind: 'invalid', reason: 'payload must be a JSON object' };
  }
  if ('sensors' in document) {
    const check = checkReading(document);
    return check.ok
      ? { kind: 'reading', gateway, reading: check.reading }
      : { kind: 'invalid', reason: 'invalid reading', errors: check.errors };
  }
  const id = (document as { id?: unknown }).id;
  if (!isDeviceId(id)) {
    return { kind: 'invalid', reason: 'payload has neither sensors nor a valid id' };
  }
  return { kind: 'activity', gateway, sensorId: id };
}
