/** `YYYY-MM-DD` of `ms` in the server's time zone. */
export function localDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** A line of the classic activity log: `2024-05-01 08:15:02, Person entered facility, 5`. */
export function classicLine(atSeconds: number, text: string, occupancy: number): string {
  const d = new Date(atSeconds * 1000);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return `${localDay(d.getTime())} ${time}, ${text}, ${occupancy}`;
}
