import { jest } from '@jest/globals';
import request from 'supertest';
import { AlertsService } from '../src/alerts/alerts.service.js';
import { IngestAlerts } from '../src/alerts/ingest-alerts.js';
import { Clock } from '../src/common/clock.js';
import { readingDoc } from './helpers/readings.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { until } from './helpers/wait.js';

describe('alerts (e2e)', () => {
  let t: TestApp;
  let now: number;

  beforeAll(async () => {
    t = await startTestApp({ alertDedupSeconds: 300 });
    now = 1_780_000_000_000;
    jest.spyOn(t.app.get(Clock), 'now').mockImplementation(() => now);
  });

  afterAll(async () => {
    await t.close();
  });

  async function alertsOf(query: string): Promise<Record<string, unknown>[]> {
    const res = await request(t.url).get(`/api/alerts?${query}`).expect(200);
    return res.body;
  }

  it('raises one alert for repeats within the window and counts them', async () => {
    const alerts = t.app.get(AlertsService);
    const signal = { rule: 'test', subject: 'dedup', severity: 'warning', message: 'm' } as const;
    const first = await alerts.raise(signal);
    now += 200_000;
    await alerts.raise(signal);
    now += 200_000; // 200 s after the last sighting: still inside the 300 s window
    const third = await alerts.raise(signal);
    expect(third.id).toBe(first.id);
    const [stored] = await alertsOf('rule=test&subject=dedup');
    expect(stored).toMatchObject({
      id: Number(first.id),
      count: 3,
      state: 'active',
      firstSeen: first.firstSeen,
      lastSeen: now / 1000,
    });
  });

  it('opens a new alert after the window and resolves the stale one', async () => {
    const alerts = t.app.get(AlertsService);
    const signal = { rule: 'test', subject: 'window', severity: 'warning', message: 'm' } as const;
    const first = await alerts.raise(signal);
    now += 301_000;
    const second = await alerts.raise(signal);
    expect(second.id).not.toBe(first.id);
    const all = await alertsOf('rule=test&subject=window');
    expect(all.map((a) => [a.id, a.state])).toEqual([
      [Number(second.id), 'active'],
      [Number(first.id), 'resolved'],
    ]);
  });

  it('escalates the open alert when a repeat is more severe', async () => {
    const alerts = t.app.get(AlertsService);
    await alerts.raise({ rule: 'test', subject: 'escalate', severity: 'warning', message: 'low' });
    const escalated = await alerts.raise({
      rule: 'test',
      subject: 'escalate',
      severity: 'error',
      message: 'high',
    });
    expect(escalated).toMatchObject({ severity: 'error', message: 'high', count: 2 });
  });

  it('goes active → acknowledged → resolved and never reopens', async () => {
    const alerts = t.app.get(AlertsService);
    const signal = {
      rule: 'test',
      subject: 'lifecycle',
      severity: 'warning',
      message: 'm',
    } as const;
    const alert = await alerts.raise(signal);
    const acked = await request(t.url).post(`/api/alerts/${alert.id}/ack`).expect(200);
    expect(acked.body).toMatchObject({ state: 'acknowledged', acknowledgedAt: now / 1000 });
    await request(t.url).post(`/api/alerts/${alert.id}/ack`).expect(200);
    // a repeat while acknowledged counts on it
    const repeat = await alerts.raise(signal);
    expect(repeat).toMatchObject({ id: alert.id, state: 'acknowledged', count: 2 });
    const resolved = await request(t.url).post(`/api/alerts/${alert.id}/resolve`).expect(200);
    expect(resolved.body.state).toBe('resolved');
    const conflict = await request(t.url).post(`/api/alerts/${alert.id}/ack`).expect(409);
    expect(conflict.body.message).toBe(`Alert ${alert.id} is already resolved`);
    await request(t.url).post(`/api/alerts/${alert.id}/resolve`).expect(409);
    const next = await alerts.raise(signal);
    expect(next.id).not.toBe(alert.id);
  });

  it('answers 404 for an unknown alert and 400 for a bad id or filter', async () => {
    const res = await request(t.url).post('/api/alerts/999999/ack').expect(404);
    expect(res.body.message).toBe('Alert 999999 not found');
    await request(t.url).post('/api/alerts/abc/ack').expect(400);
    await request(t.url).get('/api/alerts?state=open').expect(400);
    await request(t.url).get('/api/alerts?limit=501').expect(400);
  });

  it('raises gas alerts per level, one per device and gas, and a low-battery warning', async () => {
    await request(t.url)
      .post('/api/readings/batch')
      .send([
        readingDoc({
          id: 'gas-1',
          pct: 15,
          sensors: [
            { type: 'CO', val: 40 },
            { type: 'O2', val: 20.9 },
          ],
        }),
        readingDoc({
          id: 'gas-1',
          pct: 15,
          sensors: [
            { type: 'co', val: 250 },
            { type: 'CO', val: 3 },
          ],
        }),
        readingDoc({
          id: 'gas-1',
          sensors: [
            { type: 'O2', val: 18 },
            { type: 'H2S', val: 9.9 },
            { type: 'NO2', val: 99 },
          ],
        }),
      ])
      .expect(201);
    await until(
      async () => (await alertsOf('subject=gas-1/O2')).length === 1,
      3000,
      'the O2 alert',
    );
    await until(
      async () => (await alertsOf('subject=gas-1/CO'))[0]?.count === 2,
      3000,
      'the CO repeat',
    );
    const [co] = await alertsOf('subject=gas-1/CO');
    expect(co).toMatchObject({ rule: 'gas', severity: 'error', state: 'active' });
    expect((await alertsOf('subject=gas-1/O2'))[0]).toMatchObject({ severity: 'error' });
    await until(
      async () => (await alertsOf('rule=low_battery&subject=gas-1'))[0]?.count === 2,
      3000,
      'low battery',
    );
    expect(await alertsOf('subject=gas-1/H2S')).toEqual([]);
    expect(await alertsOf('subject=gas-1/NO2')).toEqual([]);
  });

  it('raises the acceptance-rate alert when most ingest attempts fail, and resolves it', async () => {
    for (let i = 0; i < 12; i++) {
      await request(t.url)
        .post('/receive-json')
        .send(readingDoc({ id: '' }))
        .expect(400);
    }
    const rules = t.app.get(IngestAlerts);
    await rules.check();
    const [alert] = (
      await request(t.url).get('/api/alerts?rule=acceptance_rate&state=active').expect(200)
    ).body;
    expect(alert).toMatchObject({ subject: 'ingest', severity: 'warning' });
    expect(alert.message).toMatch(/^Only [\d.]+ % of ingest attempts stored in the last hour$/);
    now += 3601_000; // an hour later the failures have left the window
    await rules.check();
    const [resolved] = (await request(t.url).get(`/api/alerts?rule=acceptance_rate`).expect(200))
      .body;
    expect(resolved.state).toBe('resolved');
  });

  it('filters by severity and limits the list, newest first by last seen', async () => {
    const list = await alertsOf('limit=3');
    expect(list).toHaveLength(3);
    const seen = list.map((a) => a.lastSeen as number);
    expect(seen).toEqual([...seen].sort((a, b) => b - a));
    const errors = await alertsOf('severity=error&limit=500');
    expect(errors.every((a) => a.severity === 'error')).toBe(true);
  });
});

describe('gas alerts from a batch (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('counts every reading of a batch on one gas alert, raised in one write', async () => {
    const now = Math.floor(Date.now() / 1000);
    const batch = Array.from({ length: 300 }, (_, i) =>
      readingDoc({
        id: 'in the cloud',
        ts: now - i,
        sensors: [{ type: 'H2S', val: i % 2 ? 12 : 20 }],
      }),
    );
    await request(t.url).post('/api/readings/batch').send(batch).expect(201);
    await until(
      async () =>
        (await request(t.url).get('/api/alerts?subject=in%20the%20cloud%2FH2S')).body[0]?.count ===
        300,
      3000,
      'a count of 300',
    );
    const [alert] = (await request(t.url).get('/api/alerts?subject=in%20the%20cloud%2FH2S')).body;
    // the most severe level of the batch: 20 ppm is at or above the error level of 15
    expect(alert).toMatchObject({ rule: 'gas', severity: 'error', state: 'active', count: 300 });
  });
});
