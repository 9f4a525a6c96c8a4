/** The hour and minute of a validated `HH:MM` (OCCUPANCY_RESET_AT). */
export function parseResetAt(resetAt: string): { hour: number; minute: number } {
  const [hour, minute] = resetAt.split(':').map(Number);
  return { hour, minute };
}

/** The cron expression (seconds first) that fires daily at `resetAt`, server local time. */
export function resetCron(resetAt: string): string {
  const { hour, minute } = parseResetAt(resetAt);
  return `0 ${minute} ${hour} * * *`;
}

/** The latest daily `resetAt` (local time) at or before `ms`, in milliseconds. */
export function lastResetAt(resetAt: string, ms: number): number {
  const { hour, minute } = parseResetAt(resetAt);
  const moment = new Date(ms);
  moment.setHours(hour, minute, 0, 0);
  if (moment.getTime() > ms) {
    // the day before, at the same wall-clock time, whatever its length (DST)
    moment.setDate(moment.getDate() - 1);
    moment.setHours(hour, minute, 0, 0);
  }
  return moment.getTime();
}
