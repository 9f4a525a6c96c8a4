import type { EntityManager } from 'typeorm';
import { Device, type DeviceChannel, type DeviceKind } from '../devices/device.entity.js';
import { hashToken, newToken } from './device-credentials.js';
import { DeviceToken } from './device-token.entity.js';

export const DEVICE_KINDS: readonly DeviceKind[] = ['handheld', 'facility', 'gateway', 'sensor'];

export interface Registration {
  id: string;
  kind: DeviceKind;
  gateway: number | null;
  heartbeatSeconds: number | null;
}

/** The device already has a token, or its gateway number belongs to another gateway. */
export class RegistrationConflict extends Error {}

/** The channel a registered device is expected on, until it is heard from. */
export const CHANNEL_OF: Record<DeviceKind, DeviceChannel> = {
  handheld: 'http',
  facility: 'tcp',
  gateway: 'mqtt',
  sensor: 'mqtt',
};

/**
 * Issues a device's token and registers the device, in one transaction: the token is returned
 * once and only its hash is stored. Registration counts as a first sighting, so a device with a
 * heartbeat that never shows up goes offline (with its alert) when the heartbeat runs out.
 * Shared by the admin API and `npm run devices`.
 */
export async function issueToken(
  manager: EntityManager,
  registration: Registration,
  now: number,
): Promise<string> {
  const tokens = manager.getRepository(DeviceToken);
  if (await tokens.existsBy({ deviceId: registration.id })) {
    throw new RegistrationConflict(
      `device ${registration.id} already has a token; revoke it first to issue a new one`,
    );
  }
  if (registration.kind === 'gateway') {
    const holder = await tokens.findOneBy({ kind: 'gateway', gateway: registration.gateway! });
    if (holder) {
      throw new RegistrationConflict(
        `gateway ${registration.gateway} already belongs to ${holder.deviceId}`,
      );
    }
  }
  const token = newToken();
  await tokens.insert({
    deviceId: registration.id,
    tokenHash: hashToken(token),
    kind: registration.kind,
    gateway: registration.gateway,
    createdAt: now,
  });
  const devices = manager.getRepository(Device);
  const registered = {
    kind: registration.kind,
    gateway: registration.gateway,
    heartbeatSeconds: registration.heartbeatSeconds,
  };
  if (await devices.existsBy({ id: registration.id })) {
    await devices.update({ id: registration.id }, registered);
  } else {
    await devices.insert({
      id: registration.id,
      ...registered,
      channel: CHANNEL_OF[registration.kind],
      sensorTypes: '[]',
      firstSeen: now,
      lastSeen: now,
    });
  }
  return token;
}

/** Revokes a device's token; false when it had none. The device stays in the registry. */
export async function revokeToken(manager: EntityManager, id: string): Promise<boolean> {
  const result = await manager.getRepository(DeviceToken).delete({ deviceId: id });
  return (result.affected ?? 0) > 0;
}

export async function listTokens(manager: EntityManager): Promise<DeviceToken[]> {
  return manager.getRepository(DeviceToken).find({ order: { deviceId: 'ASC' } });
}
