export const EVENT_TYPES = [
  'reading',
  'occupancy',
  'activity',
  'device',
  'gateway',
  'alert',
  'error',
  'warning',
  'info',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface MonitorEvent {
  /** Unique across instances: `<instance>-<n>`. */
  id: string;
  type: EventType;
  message: string;
  details: Record<string, unknown>;
  /** Unix seconds. */
  at: number;
}

export type ComponentState = 'online' | 'offline' | 'error';
export type ComponentName = 'database' | 'mqtt' | 'tcp' | 'redis' | 'notifications';

export interface ComponentStatus {
  status: ComponentState;
  detail: string;
  /** Unix seconds of the last change. */
  since: number;
}

export type OverallStatus = 'healthy' | 'degraded' | 'partial' | 'error';

export interface Metrics {
  readingsToday: number;
  readingsLastHour: number;
  acceptanceRate: number;
  writeQueue: number;
  failedWrites: number;
  rejectedInputs: number;
  occupancy: number;
  devicesOnline: number;
  devicesOffline: number;
  openAlerts: number;
  /** Webhook notifications delivered, given up, and waiting (SPEC 10.2), from the outbox. */
  notificationsSent: number;
  notificationsFailed: number;
  notificationsWaiting: number;
  eventsPerMinute: number[];
  uptimeSeconds: number;
}

/** Gauges that other modules own and report: the monitor only keeps their last value. */
export type ReportedGauge =
  | 'occupancy'
  | 'devicesOnline'
  | 'devicesOffline'
  | 'openAlerts'
  | 'openErrorAlerts'
  | 'notificationsSent'
  | 'notificationsFailed'
  | 'notificationsWaiting';

/** A message for live clients: a Socket.IO event name and its payload, the same on SSE. */
/**
 * Live events each instance computes for itself from what every instance stores (its status,
 * exposure): sent to its own clients only, never over the bus, so no client gets one twice.
 */
export const LOCAL_EVENTS: ReadonlySet<string> = new Set(['status', 'exposure']);

export interface LiveMessage {
  event: string;
  data: unknown;
}

/** A message as the live bus delivers it, with the replay id SSE uses. */
export interface LiveEnvelope extends LiveMessage {
  id: string;
}
