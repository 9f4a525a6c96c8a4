export interface SensorActivity {
  id: string;
  /** Unix seconds. */
  lastActivityAt: number;
  active: boolean;
}

export interface GatewayActivity {
  gateway: number;
  lastActivityAt: number;
  state: 'active' | 'inactive';
  sensors: SensorActivity[];
}

export type InactiveListener = (gateway: number, lastActivityAt: number) => void;

/**
 * Sensor activity per gateway with a time to live. The gateway goes inactive when its last
 * active sensor expires; listeners hear of it once, even with several instances.
 */
export interface ActivityTracker {
  start(onInactive: InactiveListener): Promise<void>;
  /** Marks a sensor active now; resolves true when its gateway was inactive and is back. */
  touch(gateway: number, sensorId: string, atSeconds: number): Promise<boolean>;
  list(nowSeconds: number): Promise<GatewayActivity[]>;
  stop(): Promise<void>;
}

export const ACTIVITY_TRACKER = Symbol('ACTIVITY_TRACKER');
