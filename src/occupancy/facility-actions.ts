/** What a facility action does to the count. */
export type OccupancyEffect = 'enter' | 'exit' | 'reset' | 'none' | { set: number };

export interface FacilityAction {
  command: string;
  deviceId: string | null;
  text: string;
  effect: OccupancyEffect;
}

/** One row of the activity log, as the API and live clients see it. */
export interface ActivityEntry {
  id: number;
  /** Unix seconds. */
  at: number;
  deviceId: string | null;
  command: string;
  text: string;
  occupancy: number;
}

const COMMANDS: Record<string, Pick<FacilityAction, 'text' | 'effect'>> = {
  SafetySystem_Active: { text: 'Safety system activated', effect: 'reset' },
  EntrySystem_Active: { text: 'Entry system activated', effect: 'none' },
  PersonEntered: { text: 'Person entered facility', effect: 'enter' },
  PersonExited: { text: 'Person left facility', effect: 'exit' },
};

export function commandAction(
  command: keyof typeof COMMANDS | string,
  deviceId: string | null,
): FacilityAction {
  const known = COMMANDS[command];
  if (!known) {
    throw new Error(`not a facility command: ${command}`);
  }
  return { command, deviceId, ...known };
}

export function connectionAction(deviceId: string, connected: boolean): FacilityAction {
  return {
    command: connected ? 'HELLO' : 'DISCONNECT',
    deviceId,
    text: `Device ${deviceId} ${connected ? 'connected' : 'disconnected'}`,
    effect: 'none',
  };
}

/** The count after `effect`, and whether an exit found the facility already empty. */
export function applyEffect(
  count: number,
  effect: OccupancyEffect,
): { count: number; alreadyEmpty: boolean } {
  if (effect === 'enter') {
    return { count: count + 1, alreadyEmpty: false };
  }
  if (effect === 'exit') {
    return count > 0 ? { count: count - 1, alreadyEmpty: false } : { count: 0, alreadyEmpty: true };
  }
  if (effect === 'reset') {
    return { count: 0, alreadyEmpty: false };
  }
  return { count: effect === 'none' ? count : effect.set, alreadyEmpty: false };
}
