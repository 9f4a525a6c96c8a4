/** When to try a webhook again, and when to stop (SPEC 10.2). Times in Unix seconds. */

export const FIRST_RETRY_SECONDS = 1;
export const MAX_RETRY_SECONDS = 600;
export const GIVE_UP_SECONDS = 24 * 3600;
const ERROR_TEXT_MAX = 500;

/** sent: done; retry: the receiver may take it later; reject: it never will, as it said. */
export type Verdict = 'sent' | 'retry' | 'reject';

/**
 * 2xx is delivered. 408 and 429 ask us to come back, and 5xx is the receiver's own trouble, so
 * those are retried; any other answer (4xx, an unfollowed redirect) will not change by retrying.
 */
export function verdictOf(status: number): Verdict {
  if (status >= 200 && status < 300) {
    return 'sent';
  }
  return status === 408 || status === 429 || status >= 500 ? 'retry' : 'reject';
}

/** 1 s after the first failed attempt, doubling with each one, at most 10 min. */
export function retryDelaySeconds(attempts: number): number {
  const doublings = Math.max(0, attempts - 1);
  return Math.min(MAX_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** Math.min(doublings, 30));
}

/**
 * The time of the next attempt after `attempts` failed ones, or null to give up: 24 h after the
 * notification was created. The last retry is placed on that deadline rather than skipped.
 * A receiver's Retry-After is honoured up to the 10-minute cap.
 */
export function nextAttemptAt(
  attempts: number,
  createdAt: number,
  now: number,
  retryAfterSeconds = 0,
): number | null {
  const deadline = createdAt + GIVE_UP_SECONDS;
  if (now >= deadline) {
    return null;
  }
  const wait = Math.min(
    MAX_RETRY_SECONDS,
    Math.max(retryDelaySeconds(attempts), retryAfterSeconds),
  );
  return Math.min(now + wait, deadline);
}

/** Retry-After as seconds from `now`: delta-seconds or an HTTP date; 0 when absent or unreadable. */
export function retryAfterSeconds(header: string | null, now: number): number {
  if (!header) {
    return 0;
  }
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) {
    return Number(trimmed);
  }
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? 0 : Math.max(0, at / 1000 - now);
}

/** A stored error text: one line, bounded. */
export function errorText(text: string): string {
  // eslint-disable-next-line no-control-regex -- this finds control characters to replace them
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  return flat.length <= ERROR_TEXT_MAX ? flat : `${flat.slice(0, ERROR_TEXT_MAX - 1)}…`;
}

/** What went wrong with a request that got no answer: fetch hides the socket error in `cause`. */
export function describeFailure(error: unknown): string {
  const { name, message, cause } = error as { name?: string; message?: string; cause?: unknown };
  if (name === 'TimeoutError') {
    return 'no answer within the timeout';
  }
  const inner = cause as { code?: string; message?: string } | undefined;
  const detail = inner?.code ?? inner?.message;
  return errorText(detail ? `${message ?? String(error)}: ${detail}` : (message ?? String(error)));
}
