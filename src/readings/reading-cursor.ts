/** A position in (ts, readingId) order, passed to clients as an opaque string. */
export interface ReadingCursor {
  ts: number;
  readingId: number;
}

export function encodeCursor(cursor: ReadingCursor): string {
  return Buffer.from(`${cursor.ts}:${cursor.readingId}`).toString('base64url');
}

/** The cursor in `text`, or null when it is not one this server made. */
export function decodeCursor(text: string): ReadingCursor | null {
  const match = /^(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?):(\d{1,16})$/.exec(
    Buffer.from(text, 'base64url').toString('latin1'),
  );
  if (!match) {
    return null;
  }
  const cursor = { ts: Number(match[1]), readingId: Number(match[2]) };
  return Number.isFinite(cursor.ts) && Number.isSafeInteger(cursor.readingId) ? cursor : null;
}
