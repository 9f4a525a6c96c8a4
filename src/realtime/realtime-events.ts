import type { MonitorEvent } from '../metrics/monitor.types.js';
import type { StoredReading } from '../readings/reading.js';

/** Events the server sends, by name: the one list for the gateway, the SSE stream and clients. */
export interface ServerEvents {
  update_data: (reading: StoredReading) => void;
  event: (event: MonitorEvent) => void;
  alert: (alert: Record<string, unknown>) => void;
  status: (status: Record<string, unknown>) => void;
  exposure: (exposure: Record<string, unknown>) => void;
}

/** Events a client may send; each is acknowledged with `{ ok, error? }`. */
export interface ClientEvents {
  subscribe: (request: { deviceId: string }, ack?: (answer: Ack) => void) => void;
  unsubscribe: (request: { deviceId?: string }, ack?: (answer: Ack) => void) => void;
}

export interface Ack {
  ok: boolean;
  error?: string;
}

/** Room of clients that want every device's readings (everyone until they subscribe). */
export const ALL_DEVICES_ROOM = 'readings:all';
export const deviceRoom = (deviceId: string): string => `device:${deviceId}`;
/** Devices one client may follow at once. */
export const MAX_SUBSCRIPTIONS = 100;
