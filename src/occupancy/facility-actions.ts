/**
 * Once a day across all instances: sets the count to 0 unless the occupancy row already holds
 * the reset of `dailyReset` (local `YYYY-MM-DD`). With `staleBefore` (Unix seconds), the
 * catch-up for a reset missed while no instance ran, it also does nothing when the count is 0
 * or changed at or after that time.
 */
export interface DailyReset {
  dailyReset: string;
  staleBefore?: number;
}

/** What a facility action does to the count. */
export type OccupancyEffect = 'enter' | 'exit' | 'reset' | 'none' | { set: number } | DailyReset;

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

/** Who appears as the device of corrections made over the admin API. */
export const CORRECTION_DEVICE = 'api';
/** Who appears as the device of the daily reset (OCCUPANCY_RESET_AT). */
export const DAILY_RESET_DEVICE = 'scheduler';

/** `POST /api/occupancy`: sets the count to `occupancy`, with the operator's reason. */
export function correctionAction(occupancy: number, reason: string): FacilityAction {
  return {
    command: 'OccupancyCorrected',
    deviceId: CORRECTION_DEVICE,
    text: `Occupancy corrected to ${occupancy} (${reason})`,
    effect: { set: occupancy },
  };
}

/** The daily reset to 0 that belongs to local day `day` (see DailyReset). */
export function dailyResetAction(day: string, staleBefore?: number): FacilityAction {
  return {
    command: 'DailyReset',
    deviceId: DAILY_RESET_DEVICE,
    text: 'Daily occupancy reset',
    effect: staleBefore === undefined ? { dailyReset: day } : { dailyReset: day, staleBefore },
  };
}

export function isDailyReset(effect: OccupancyEffect): effect is DailyReset {
  return typeof effect === 'object' && 'dailyReset' in effect;
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
  if (effect === 'reset' || isDailyReset(effect)) {
    return { count: 0, alreadyEmpty: false };
  }
  return { count: effect === 'none' ? count : effect.set, alreadyEmpty: false };
}
