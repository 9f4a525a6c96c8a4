import { createHmac } from 'node:crypto';
import { type Alert, type AlertSeverity, SEVERITY_RANK } from '../alerts/alert.entity.js';
import { type AlertTransition, toAlertJson } from '../alerts/alerts.service.js';

/** The transitions that notify: a dedup repeat changes nothing a person needs to hear about. */
export type NotifiedTransition = Exclude<AlertTransition, 'repeated'>;

const NOTIFIED: ReadonlySet<AlertTransition> = new Set([
  'raised',
  'escalated',
  'acknowledged',
  'resolved',
]);
// Chat tools show the line as it is; longer lines wrap badly or get cut by the tool itself.
const TEXT_MAX = 300;

export const SIGNATURE_HEADER = 'X-Sitewatch-Signature';

export function isNotified(
  transition: AlertTransition,
  severity: AlertSeverity,
  minSeverity: AlertSeverity,
): transition is NotifiedTransition {
  return NOTIFIED.has(transition) && SEVERITY_RANK[severity] >= SEVERITY_RANK[minSeverity];
}

/** The same for every attempt and every receiver; unique per transition because count only grows. */
export function idempotencyKey(alert: Alert, transition: NotifiedTransition): string {
  return `alert-${Number(alert.id)}-${transition}-${alert.count}`;
}

/**
 * One line for people: `[WARNING] raised: handheld 8: CO 48 at or above 35 (rule gas, subject
 * handheld 8/CO, alert 12)`. Control characters become spaces so it stays one line.
 */
export function textLine(alert: Alert, transition: NotifiedTransition): string {
  const seen = alert.count > 1 ? `, seen ${alert.count} times` : '';
  const line =
    `[${alert.severity.toUpperCase()}] ${transition}: ${alert.message} ` +
    `(rule ${alert.rule}, subject ${alert.subject}, alert ${Number(alert.id)}${seen})`;
  // eslint-disable-next-line no-control-regex -- this finds control characters to replace them
  const flat = line.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  return flat.length <= TEXT_MAX ? flat : `${flat.slice(0, TEXT_MAX - 1)}…`;
}

/** The JSON body, fixed when the transition commits: every attempt sends these exact bytes. */
export function notificationBody(alert: Alert, transition: NotifiedTransition): string {
  return JSON.stringify({
    transition,
    alert: toAlertJson(alert),
    text: textLine(alert, transition),
  });
}

/** `sha256=<hex HMAC-SHA256 of the raw body bytes>`, the body taken as UTF-8. */
export function signature(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

export function requestHeaders(
  key: string,
  body: string,
  secret: string | undefined,
): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'User-Agent': 'sitewatch',
    'Idempotency-Key': key,
  };
  if (secret) {
    headers[SIGNATURE_HEADER] = signature(body, secret);
  }
  return headers;
}

/**
 * Where to POST: fetch refuses URLs holding `user:password@` (and would echo them in its error),
 * so they become a Basic Authorization header, as curl does; ntfy and others accept that.
 */
export function webhookTarget(url: string): { url: string; authorization?: string } {
  const target = new URL(url);
  if (!target.username && !target.password) {
    return { url };
  }
  const credentials = `${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`;
  target.username = '';
  target.password = '';
  return {
    url: target.toString(),
    authorization: `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`,
  };
}
