import { describeFailure, retryAfterSeconds, type Verdict, verdictOf } from './delivery-policy.js';
import { requestHeaders, webhookTarget } from './notification-message.js';

export interface Delivery {
  url: string;
  idempotencyKey: string;
  body: string;
}

/** One attempt's result; `cancelled` means the worker stopped it (shutdown), not the receiver. */
export interface Attempt {
  verdict: Verdict | 'cancelled';
  /** HTTP status when the receiver answered. */
  status?: number;
  /** What went wrong, for the row, the log and the component (never the URL: it may hold a secret). */
  error?: string;
  retryAfter: number;
}

/**
 * POSTs one notification. `timeoutMs` bounds the whole exchange, connection included; `stop`
 * cancels it at shutdown. Redirects are not followed: a redirected POST may turn into a GET.
 */
export async function postWebhook(
  delivery: Delivery,
  secret: string | undefined,
  timeoutMs: number,
  stop: AbortSignal,
  now: number,
): Promise<Attempt> {
  try {
    const target = webhookTarget(delivery.url);
    const headers = requestHeaders(delivery.idempotencyKey, delivery.body, secret);
    if (target.authorization) {
      headers.Authorization = target.authorization;
    }
    const response = await fetch(target.url, {
      method: 'POST',
      headers,
      body: delivery.body,
      redirect: 'manual',
      signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), stop]),
    });
    // Nothing in the answer's body matters; dropping it frees the connection at once.
    await response.body?.cancel().catch(() => undefined);
    const verdict = verdictOf(response.status);
    return {
      verdict,
      status: response.status,
      error: verdict === 'sent' ? undefined : `HTTP ${response.status}`,
      retryAfter: retryAfterSeconds(response.headers.get('retry-after'), now),
    };
  } catch (error) {
    if (stop.aborted) {
      return { verdict: 'cancelled', retryAfter: 0 };
    }
    return { verdict: 'retry', error: describeFailure(error), retryAfter: 0 };
  }
}
