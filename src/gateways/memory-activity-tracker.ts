import type { ActivityTracker, GatewayActivity, InactiveListener } from './activity-tracker.js';

interface GatewayState {
  sensors: Map<string, number>;
  lastActivityAt: number;
  inactive: boolean;
  timer?: NodeJS.Timeout;
}

/**
 * In-process activity: one timer per gateway, set for its deadline (last activity + TTL) and
 * moved lazily: when it fires early because activity came in, it is set again for the rest.
 */
export class MemoryActivityTracker implements ActivityTracker {
  private readonly gateways = new Map<number, GatewayState>();
  private onInactive: InactiveListener = () => undefined;

  constructor(private readonly ttlSeconds: number) {}

  async start(onInactive: InactiveListener): Promise<void> {
    this.onInactive = onInactive;
  }

  async touch(gateway: number, sensorId: string, atSeconds: number): Promise<boolean> {
    let state = this.gateways.get(gateway);
    if (!state) {
      state = { sensors: new Map(), lastActivityAt: atSeconds, inactive: false };
      this.gateways.set(gateway, state);
    }
    state.sensors.set(sensorId, atSeconds);
    state.lastActivityAt = Math.max(state.lastActivityAt, atSeconds);
    const cameBack = state.inactive;
    state.inactive = false;
    this.arm(gateway, state);
    return cameBack;
  }

  async list(nowSeconds: number): Promise<GatewayActivity[]> {
    return [...this.gateways].map(([gateway, state]) => ({
      gateway,
      lastActivityAt: state.lastActivityAt,
      state: state.inactive ? 'inactive' : 'active',
      sensors: [...state.sensors].map(([id, lastActivityAt]) => ({
        id,
        lastActivityAt,
        active: nowSeconds < lastActivityAt + this.ttlSeconds,
      })),
    }));
  }

  async stop(): Promise<void> {
    this.gateways.forEach((state) => clearTimeout(state.timer));
  }

  private arm(gateway: number, state: GatewayState): void {
    if (state.timer) {
      return;
    }
    const wait = Math.max(1, (state.lastActivityAt + this.ttlSeconds) * 1000 - Date.now());
    state.timer = setTimeout(() => {
      state.timer = undefined;
      if (Date.now() < (state.lastActivityAt + this.ttlSeconds) * 1000) {
        this.arm(gateway, state);
        return;
      }
      state.inactive = true;
      this.onInactive(gateway, state.lastActivityAt);
    }, wait);
    state.timer.unref();
  }
}
