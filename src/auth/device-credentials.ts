import { createHash, randomBytes } from 'node:crypto';
import type { DeviceKind } from '../devices/device.entity.js';

/** What a device token proves: who the device is and, for a gateway, which one. */
export interface DeviceCredential {
  deviceId: string;
  kind: DeviceKind;
  gateway: number | null;
  /** The token it was proven with: a connection stays trusted only while this is not revoked. */
  tokenHash: string;
}

export const TOKEN_PREFIX = 'swt_';
/** `swt_` and 32 base64url characters (24 random bytes); anything else is not a token. */
export const TOKEN_PATTERN = /^swt_[A-Za-z0-9_-]{32}$/;

export function newToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(24).toString('base64url')}`;
}

/**
 * Tokens carry 192 random bits, so a plain SHA-256 is enough to store them: unlike a
 * password there is nothing to guess, and lookups by hash stay one map access.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * May a device holding `credential` report readings under `id`? Its own id always; a gateway
 * also any sensor, unless the id belongs to another token holder or to another gateway's sensor.
 */
export function mayReportAs(
  credential: DeviceCredential,
  id: string,
  owner: { tokenHolder: boolean; gateway: number | null } | undefined,
): boolean {
  if (id === credential.deviceId) {
    return true;
  }
  if (credential.kind !== 'gateway' || owner?.tokenHolder) {
    return false;
  }
  return owner?.gateway == null || owner.gateway === credential.gateway;
}
