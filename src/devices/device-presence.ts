import type { DeviceChannel, DeviceKind } from './device.entity.js';

/** A device as the registry holds it in memory. */
export interface DeviceState {
  id: string;
  kind: DeviceKind;
  channel: DeviceChannel;
  gateway: number | null;
  sensorTypes: Set<string>;
  firstSeen: number;
  lastSeen: number;
  heartbeatSeconds: number | null;
  online: boolean;
}

/** Seconds of silence after which the device is offline. */
export function timeoutOf(device: DeviceState, defaultSeconds: number): number {
  return device.heartbeatSeconds ?? defaultSeconds;
}

/**
 * Devices on a persistent channel (TCP) and devices registered with a heartbeat get an alert
 * when they go silent; any other device going quiet is only an info event.
 */
export function alertsWhenOffline(device: DeviceState): boolean {
  return device.channel === 'tcp' || device.heartbeatSeconds !== null;
}

export function toDeviceJson(device: DeviceState) {
  return {
    id: device.id,
    kind: device.kind,
    channel: device.channel,
    gateway: device.gateway,
    firstSeen: device.firstSeen,
    lastSeen: device.lastSeen,
    state: device.online ? 'online' : 'offline',
    sensorTypes: [...device.sensorTypes].sort(),
    heartbeatSeconds: device.heartbeatSeconds,
  };
}
