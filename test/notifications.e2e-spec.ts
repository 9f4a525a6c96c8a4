import { jest } from '@jest/globals';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AlertsService } from '../src/alerts/alerts.service.js';
import { Clock } from '../src/common/clock.js';
import type { AppConfig } from '../src/config/app-config.js';
import { TransactionRunner } from '../src/database/transaction-runner.js';
import { NotificationOutbox } from '../src/notifications/notification-outbox.js';
import { readingDoc } from './helpers/readings.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { createScratchDatabase, testDatabaseServerUrl } from './helpers/test-database.js';
import { until } from './helpers/wait.js';

const SECRET = 'webhook-test-secret';

interface Delivery {
  /** Milliseconds since the epoch, when the request had arrived whole. */
  at: number;
  path: string;
  headers: http.IncomingHttpHeaders;
  raw: Buffer;
  body: {
    transition: string;
    alert: { id: number; state: string; severity: string; count: number };
    text: string;
  };
}

/** How the receiver answers: a status, never (`hang`), or by dropping the connection (`reset`). */
type Answer = number | 'hang' | 'reset';

interface Receiver {
  deliveries: Delivery[];
  url(path?: string): string;
  close(): Promise<void>;
}

/** A real webhook receiver on port 0; `answer` sees each delivery and how many came to its path. */
async function startReceiver(
  answer: (d: Delivery, nthOnPath: number) => Answer,
  delayMs = 0,
): Promise<Receiver> {
  const deliveries: Delivery[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const path = req.url ?? '/';
      const delivery = {
        at: Date.now(),
        path,
        headers: req.headers,
        raw,
        body: JSON.parse(String(raw)),
      };
      const nth = deliveries.filter((d) => d.path === path).length + 1;
      const reply = answer(delivery, nth);
      if (reply === 'reset') {
        req.socket.destroy();
        return;
      }
      deliveries.push(delivery);
      if (reply !== 'hang') {
        setTimeout(() => res.writeHead(reply, { 'content-type': 'text/plain' }).end('ok'), delayMs);
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    deliveries,
    url: (path = '/hook') => `http://127.0.0.1:${port}${path}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function verifies(delivery: Delivery): boolean {
  const expected = `sha256=${createHmac('sha256', SECRET).update(delivery.raw).digest('hex')}`;
  const given = String(delivery.headers['x-sitewatch-signature'] ?? '');
  return (
    given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected))
  );
}

async function metricsOf(t: TestApp): Promise<Record<string, number>> {
  return (await request(t.url).get('/api/metrics').expect(200)).body;
}

async function componentOf(t: TestApp): Promise<{ status: string; detail: string } | undefined> {
  return (await request(t.url).get('/api/status').expect(200)).body.components.notifications;
}

async function outboxKeys(t: TestApp): Promise<string[]> {
  const rows: { idempotency_key: string }[] = await t.app
    .get(DataSource)
    .query('SELECT idempotency_key FROM notification ORDER BY id');
  return rows.map((row) => row.idempotency_key);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('alert notifications (e2e)', () => {
  const cleanups: (() => Promise<void>)[] = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup();
    }
  });

  async function receiver(
    answer: (d: Delivery, nth: number) => Answer,
    delayMs = 0,
  ): Promise<Receiver> {
    const started = await startReceiver(answer, delayMs);
    cleanups.push(() => started.close());
    return started;
  }

  async function app(overrides: Partial<AppConfig>, dir?: string): Promise<TestApp> {
    const t = await startTestApp({ notifyWebhookSecret: SECRET, ...overrides }, dir);
    cleanups.push(() => t.close());
    return t;
  }

  it('retries a failing receiver with growing gaps, the same key and body, until it is sent', async () => {
    const hook = await receiver((_d, nth) => (nth <= 3 ? 500 : 200));
    const t = await app({ notifyWebhookUrls: [hook.url()] });
    const alert = await t.app.get(AlertsService).raise({
      rule: 'gas',
      subject: 'handheld 8/CO',
      severity: 'warning',
      message: 'handheld 8: CO 48 at or above 35',
    });

    await until(() => hook.deliveries.length >= 2, 10_000, 'a retry');
    // The fourth (successful) attempt is at least 2 + 4 s away: the failure shows meanwhile.
    expect(await componentOf(t)).toMatchObject({ status: 'error' });
    expect((await componentOf(t))?.detail).toContain('HTTP 500');
    await until(() => hook.deliveries.length >= 4, 20_000, 'four deliveries');
    await until(async () => (await metricsOf(t)).notificationsSent === 1, 5_000, 'sent gauge');

    const [first, ...rest] = hook.deliveries;
    expect(hook.deliveries).toHaveLength(4);
    expect(first.headers['idempotency-key']).toBe(`alert-${alert.id}-raised-1`);
    for (const again of rest) {
      expect(again.headers['idempotency-key']).toBe(first.headers['idempotency-key']);
      expect(again.raw.equals(first.raw)).toBe(true);
    }
    expect(hook.deliveries.every(verifies)).toBe(true);
    expect(first.headers['content-type']).toBe('application/json');
    expect(first.headers['user-agent']).toBe('sitewatch');
    expect(first.body).toMatchObject({
      transition: 'raised',
      alert: { id: Number(alert.id), state: 'active', severity: 'warning', count: 1 },
      text: expect.stringMatching(/^\[WARNING\] raised: handheld 8: CO 48 at or above 35 \(.*\)$/),
    });
    // Backoff 1, 2, 4 s: never early, and growing (loosely: the worker looks every second).
    const gaps = rest.map((d, i) => d.at - hook.deliveries[i].at);
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(900 * 2 ** i));
    expect(gaps[2]).toBeGreaterThan(gaps[0]);
    expect(await metricsOf(t)).toMatchObject({ notificationsFailed: 0, notificationsWaiting: 0 });
    expect(await componentOf(t)).toMatchObject({ status: 'online' });
  });

  it('notifies raise, escalation, acknowledgement and resolution, never a repeat or a low severity', async () => {
    const hook = await receiver(() => 200);
    // Credentials in the URL travel as Basic auth (ntfy and others take that).
    const url = hook.url().replace('http://', 'http://ops:s%40fe@');
    const t = await app({ notifyWebhookUrls: [url], notifyMinSeverity: 'warning' });
    const alerts = t.app.get(AlertsService);
    const signal = { rule: 'test', subject: 'x', severity: 'warning', message: 'm' } as const;

    const raised = await alerts.raise(signal);
    await alerts.raise(signal); // a dedup repeat: count 2, no transition
    expect(await outboxKeys(t)).toEqual([`alert-${raised.id}-raised-1`]);
    await request(t.url).post(`/api/alerts/${raised.id}/ack`).expect(200);
    await request(t.url).post(`/api/alerts/${raised.id}/resolve`).expect(200);
    await alerts.raise({ ...signal, subject: 'quiet', severity: 'info' });
    await alerts.raise({ ...signal, subject: 'rising', severity: 'info' });
    const escalated = await alerts.raise({ ...signal, subject: 'rising', severity: 'error' });

    const expected = [
      `alert-${raised.id}-raised-1`,
      `alert-${raised.id}-acknowledged-2`,
      `alert-${raised.id}-resolved-2`,
      `alert-${escalated.id}-escalated-2`,
    ];
    expect(await outboxKeys(t)).toEqual(expected);
    await until(() => hook.deliveries.length >= 4, 10_000, 'four notifications');
    await until(async () => (await metricsOf(t)).notificationsWaiting === 0, 5_000, 'empty outbox');
    expect(hook.deliveries.map((d) => d.headers['idempotency-key']).sort()).toEqual(
      [...expected].sort(),
    );
    const byKey = new Map(hook.deliveries.map((d) => [d.headers['idempotency-key'], d.body]));
    expect(byKey.get(expected[1])).toMatchObject({
      transition: 'acknowledged',
      alert: { state: 'acknowledged' },
    });
    expect(byKey.get(expected[2])).toMatchObject({
      transition: 'resolved',
      alert: { state: 'resolved' },
      text: expect.stringContaining('[WARNING] resolved: m'),
    });
    expect(byKey.get(expected[3])).toMatchObject({
      transition: 'escalated',
      alert: { severity: 'error' },
      text: expect.stringContaining('[ERROR] escalated'),
    });
    expect((await metricsOf(t)).notificationsSent).toBe(4);
    expect(hook.deliveries[0].headers.authorization).toBe(
      `Basic ${Buffer.from('ops:s@fe').toString('base64')}`,
    );
  });

  it('delivers what was pending before a restart, once per key', async () => {
    let up = false;
    const hook = await receiver(() => (up ? 200 : 'reset'));
    const serverUrl = testDatabaseServerUrl();
    // One database for both runs: the helper would give each start a scratch database of its own.
    const scratch = serverUrl ? await createScratchDatabase(serverUrl) : undefined;
    const dir = mkdtempSync(join(tmpdir(), 'sitewatch-notify-'));
    cleanups.push(async () => {
      rmSync(dir, { recursive: true, force: true });
      await scratch?.drop();
    });
    const overrides = { notifyWebhookUrls: [hook.url()], databaseUrl: scratch?.url };

    const before = await app(overrides, dir);
    const alerts = before.app.get(AlertsService);
    const first = await alerts.raise({
      rule: 'test',
      subject: 'a',
      severity: 'error',
      message: 'a',
    });
    const second = await alerts.raise({
      rule: 'test',
      subject: 'b',
      severity: 'error',
      message: 'b',
    });
    await until(async () => (await componentOf(before))?.status === 'error', 10_000, 'a failure');
    await before.close();

    up = true;
    const after = await app(overrides, dir);
    await until(() => hook.deliveries.length >= 2, 15_000, 'delivery after the restart');
    await until(async () => (await metricsOf(after)).notificationsSent === 2, 5_000, 'sent gauge');
    expect(hook.deliveries.map((d) => d.headers['idempotency-key']).sort()).toEqual(
      [`alert-${first.id}-raised-1`, `alert-${second.id}-raised-1`].sort(),
    );
    expect(await metricsOf(after)).toMatchObject({
      notificationsWaiting: 0,
      notificationsFailed: 0,
    });
  });

  it('never lets a receiver that does not answer delay ingest', async () => {
    const hook = await receiver(() => 'hang');
    const t = await app({ notifyWebhookUrls: [hook.url()] });
    const ts = Date.now() / 1000;
    const posts = Array.from({ length: 200 }, (_, i) =>
      request(t.url)
        .post('/receive-json')
        .send(readingDoc({ id: `hung ${i}`, ts, sensors: [{ type: 'CO', val: 250 }] })),
    );

    const statuses = (await Promise.all(posts)).map((res) => res.status);
    expect(statuses.filter((status) => status !== 201)).toEqual([]);
    await until(async () => (await metricsOf(t)).notificationsWaiting > 0, 10_000, 'waiting');
    await until(() => hook.deliveries.length > 0, 10_000, 'a hanging request');
  });

  it('gives up at once on a 4xx, and retries 408 and 429', async () => {
    const hook = await receiver((d, nth) => {
      if (d.path === '/gone') {
        return 404;
      }
      return nth === 1 ? (d.path === '/busy' ? 429 : 408) : 200;
    });
    const urls = ['/gone', '/busy', '/slow'].map((path) => hook.url(path));
    const t = await app({ notifyWebhookUrls: urls });
    const alert = await t.app.get(AlertsService).raise({
      rule: 'test',
      subject: 'refused',
      severity: 'error',
      message: 'm',
    });

    const on = (path: string) => hook.deliveries.filter((d) => d.path === path);
    await until(() => on('/busy').length === 2 && on('/slow').length === 2, 10_000, 'retries');
    await until(
      async () => {
        const metrics = await metricsOf(t);
        return metrics.notificationsSent === 2 && metrics.notificationsFailed === 1;
      },
      5_000,
      'gauges',
    );
    // The 404 was answered in the first round; a retry of it would have come with the others'.
    await sleep(1500);
    expect(on('/gone')).toHaveLength(1);
    const events: { type: string; message: string }[] = (
      await request(t.url).get('/api/events').expect(200)
    ).body;
    const host = new URL(hook.url()).host;
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'error',
        message: `Notification alert-${alert.id}-raised-1 to ${host} refused with HTTP 404; not retried`,
      }),
    );
    expect(await componentOf(t)).toMatchObject({ status: 'error' });
    const prometheus = await request(t.url).get('/metrics').expect(200);
    expect(prometheus.text).toMatch(/^sitewatch_notifications_failed 1$/m);
    expect(prometheus.text).toMatch(/^sitewatch_notifications_sent 2$/m);
  });

  it('gives up 24 h after the transition with an error event', async () => {
    const hook = await receiver(() => 503);
    const t = await app({ notifyWebhookUrls: [hook.url()] });
    let offset = 0;
    jest.spyOn(t.app.get(Clock), 'now').mockImplementation(() => Date.now() + offset);
    const alert = await t.app.get(AlertsService).raise({
      rule: 'test',
      subject: 'never',
      severity: 'warning',
      message: 'm',
    });

    await until(() => hook.deliveries.length === 1, 5_000, 'a first attempt');
    // the worker must have booked the failed attempt before the clock moves, or it would give up
    // at once, a day after a first attempt it had not yet answered for
    await until(
      async () =>
        (await t.app.get(DataSource).query('SELECT attempts FROM notification'))[0]?.attempts === 1,
      5_000,
      'the first attempt booked',
    );
    offset = 24 * 3600 * 1000; // a day later the retry is the last one
    await until(async () => (await metricsOf(t)).notificationsFailed === 1, 10_000, 'give-up');
    const events: { type: string; message: string }[] = (
      await request(t.url).get('/api/events').expect(200)
    ).body;
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'error',
        message: expect.stringMatching(
          new RegExp(`^Notification alert-${alert.id}-raised-1 to .* given up after 24 h`),
        ),
      }),
    );
    expect(hook.deliveries).toHaveLength(2);
    expect((await metricsOf(t)).notificationsWaiting).toBe(0);
  });

  // Several instances share one outbox only on PostgreSQL (SQLite is one instance's file).
  const onPostgres = testDatabaseServerUrl() ? it : it.skip;

  onPostgres('sends each notification once from two instances sharing the database', async () => {
    // Slow answers keep both instances' workers busy at the same time.
    const hook = await receiver(() => 200, 50);
    const scratch = await createScratchDatabase(testDatabaseServerUrl()!);
    cleanups.push(() => scratch.drop());
    const overrides = { notifyWebhookUrls: [hook.url()], databaseUrl: scratch.url };
    const [one, two] = [await app(overrides), await app(overrides)];

    const raised = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? one : two).app
          .get(AlertsService)
          .raise({ rule: 'test', subject: `shared ${i}`, severity: 'error', message: 'm' }),
      ),
    );
    await until(async () => (await metricsOf(one)).notificationsSent === 40, 15_000, 'all sent');
    const keys = hook.deliveries.map((d) => d.headers['idempotency-key']);
    expect(keys.sort()).toEqual(raised.map((a) => `alert-${a.id}-raised-1`).sort());
  });

  onPostgres('claims each due row for one instance only, however the claims overlap', async () => {
    const scratch = await createScratchDatabase(testDatabaseServerUrl()!);
    cleanups.push(() => scratch.drop());
    // No webhooks configured: the workers stay idle and the test's claims are the only ones.
    const overrides = { notifyWebhookUrls: [], databaseUrl: scratch.url };
    const [one, two] = [await app(overrides), await app(overrides)];
    const url = 'http://127.0.0.1:9/unused';
    const now = Date.now() / 1000;
    const items = Array.from({ length: 200 }, (_, i) => ({ url, key: `k-${i}`, body: '{}' }));
    await one.app
      .get(TransactionRunner)
      .run((manager) => one.app.get(NotificationOutbox).add(manager, items, now));

    const claimed: number[] = [];
    for (let round = 0; round < 20 && claimed.length < items.length; round++) {
      const claims = await Promise.all(
        [one, two, one, two].map((t) =>
          t.app.get(NotificationOutbox).claim([url], 20, now + 1, now + 60),
        ),
      );
      claimed.push(...claims.flat().map((row) => row.id));
    }
    expect(claimed).toHaveLength(items.length);
    expect(new Set(claimed).size).toBe(items.length);
  });

  it('reports no component and sends nothing without webhooks', async () => {
    const t = await app({ notifyWebhookUrls: [] });
    await t.app
      .get(AlertsService)
      .raise({ rule: 'test', subject: 'x', severity: 'error', message: 'm' });
    expect(await outboxKeys(t)).toEqual([]);
    expect(await componentOf(t)).toBeUndefined();
    expect(await metricsOf(t)).toMatchObject({
      notificationsSent: 0,
      notificationsFailed: 0,
      notificationsWaiting: 0,
    });
  });
});
