import { createHmac } from 'node:crypto';
import type { Alert } from '../alerts/alert.entity.js';
import { CONTROL_CHARACTERS } from '../common/text.js';
import {
  idempotencyKey,
  isNotified,
  notificationBody,
  requestHeaders,
  signature,
  textLine,
  webhookTarget,
} from './notification-message.js';

function alert(overrides: Partial<Alert> = {}): Alert {
  return {
    id: 12,
    rule: 'gas',
    subject: 'handheld 8/CO',
    severity: 'warning',
    message: 'handheld 8: CO 48 at or above 35',
    state: 'active',
    firstSeen: 1_780_000_000,
    lastSeen: 1_780_000_000,
    count: 1,
    acknowledgedAt: null,
    resolvedAt: null,
    ...overrides,
  };
}

describe(isNotified.name, () => {
  it('notifies the four transitions at or above the minimum severity', () => {
    for (const transition of ['raised', 'escalated', 'acknowledged', 'resolved'] as const) {
      expect(isNotified(transition, 'warning', 'warning')).toBe(true);
      expect(isNotified(transition, 'error', 'warning')).toBe(true);
      expect(isNotified(transition, 'info', 'warning')).toBe(false);
    }
    expect(isNotified('raised', 'info', 'info')).toBe(true);
    expect(isNotified('raised', 'warning', 'error')).toBe(false);
  });

  it('never notifies a dedup repeat', () => {
    expect(isNotified('repeated', 'error', 'info')).toBe(false);
  });
});

describe(idempotencyKey.name, () => {
  it('is made of alert id, transition and count', () => {
    expect(idempotencyKey(alert(), 'raised')).toBe('alert-12-raised-1');
    expect(idempotencyKey(alert({ count: 5 }), 'resolved')).toBe('alert-12-resolved-5');
  });
});

describe(textLine.name, () => {
  it('says severity, transition, message, rule, subject and alert in one line', () => {
    expect(textLine(alert(), 'raised')).toBe(
      '[WARNING] raised: handheld 8: CO 48 at or above 35 (rule gas, subject handheld 8/CO, alert 12)',
    );
    expect(textLine(alert({ severity: 'error', count: 3 }), 'acknowledged')).toBe(
      '[ERROR] acknowledged: handheld 8: CO 48 at or above 35 (rule gas, subject handheld 8/CO, alert 12, seen 3 times)',
    );
  });

  it('stays one bounded line whatever the message holds', () => {
    const text = textLine(alert({ message: `two\nlines\u0007${'y'.repeat(1000)}` }), 'raised');
    expect(CONTROL_CHARACTERS.test(text)).toBe(false);
    expect(text).toMatch(/^\[WARNING\] raised: two lines y+…$/);
    expect(text).toHaveLength(300);
  });
});

describe(notificationBody.name, () => {
  it('holds the transition, the alert as in /api/alerts and the text', () => {
    const body = JSON.parse(notificationBody(alert(), 'raised'));
    expect(body).toEqual({
      transition: 'raised',
      alert: {
        id: 12,
        rule: 'gas',
        subject: 'handheld 8/CO',
        severity: 'warning',
        message: 'handheld 8: CO 48 at or above 35',
        state: 'active',
        firstSeen: 1_780_000_000,
        lastSeen: 1_780_000_000,
        count: 1,
        acknowledgedAt: null,
        resolvedAt: null,
      },
      text: textLine(alert(), 'raised'),
    });
  });
});

describe(signature.name, () => {
  it('is the hex HMAC-SHA256 of the UTF-8 body bytes', () => {
    const body = '{"text":"CO ≥ 35 µg"}';
    const expected = createHmac('sha256', 's3cret').update(Buffer.from(body, 'utf8')).digest('hex');
    expect(signature(body, 's3cret')).toBe(`sha256=${expected}`);
  });

  it('matches openssl', () => {
    // printf '%s' '{}' | openssl dgst -sha256 -hmac key
    expect(signature('{}', 'key')).toBe(
      'sha256=a777724d943eb48dc69bca8a4a6d57a04db3f9ec7e1de4e581e860265bdf3032',
    );
  });
});

describe(requestHeaders.name, () => {
  it('signs only with a secret', () => {
    expect(requestHeaders('alert-1-raised-1', '{}', undefined)).toEqual({
      'Content-Type': 'application/json',
      'User-Agent': 'sitewatch',
      'Idempotency-Key': 'alert-1-raised-1',
    });
    expect(requestHeaders('k', '{}', 'key')['X-Sitewatch-Signature']).toBe(signature('{}', 'key'));
  });
});

describe(webhookTarget.name, () => {
  it('leaves a URL without credentials as it is', () => {
    expect(webhookTarget('https://ntfy.sh/alerts?x=1')).toEqual({
      url: 'https://ntfy.sh/alerts?x=1',
    });
  });

  it('turns user:password@ into a Basic Authorization header', () => {
    expect(webhookTarget('https://ops:p%40ss@ntfy.example.com/alerts')).toEqual({
      url: 'https://ntfy.example.com/alerts',
      authorization: `Basic ${Buffer.from('ops:p@ss').toString('base64')}`,
    });
  });
});
