import { jest } from '@jest/globals';
import { io, type Socket } from 'socket.io-client';
import request from 'supertest';
import { DEFAULT_RULES } from '../src/alerts/alert-rules.js';
import { Clock } from '../src/common/clock.js';
import { ExposureService } from '../src/exposure/exposure.service.js';
import { openSse } from './helpers/sse.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { until } from './helpers/wait.js';

/** STEL 50 so a short series crosses it; TWA as the defaults. */
const RULES = {
  ...DEFAULT_RULES,
  exposure: { ...DEFAULT_RULES.exposure, CO: { twa: 35, stel: 50 } },
};

/** One CO reading at second 10 of each minute index in `minutes`. */
function coReadings(id: string, minutes: number[], value: number) {
  return minutes.map((m) => ({ id, ts: m * 60 + 10, sensors: [{ type: 'CO', val: value }] }));
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

async function exposureOf(t: TestApp, id: string, at?: number) {
  const res = await request(t.url)
    .get('/api/exposure')
    .query(at === undefined ? { id } : { id, at })
    .expect(200);
  return res.body as Record<string, unknown>[];
}

/**
 * How far the last local midday is behind the real time, in ms. The suite's servers run from
 * there: `stelMax` and `peak` count from local midnight, and the readings of the last hours
 * that the tests post must not straddle it, whatever the hour the suite runs at.
 */
function sinceLastMidday(): number {
  const midday = new Date();
  midday.setHours(12, 0, 0, 0);
  if (midday.getTime() > Date.now()) {
    midday.setDate(midday.getDate() - 1);
  }
  return Date.now() - midday.getTime();
}

describe('gas exposure per device (e2e)', () => {
  let t: TestApp;
  const behind = sinceLastMidday();
  // every server's clock, from before the first one starts (its memory is built at start)
  const runningFromMidday = () => Date.now() - behind;
  const clock = jest.spyOn(Clock.prototype, 'now').mockImplementation(runningFromMidday);
  const now = Math.floor((Date.now() - behind) / 1000);
  const current = Math.floor(now / 60);
  // 100 ppm CO from 20 minutes ago for 15 minutes, posted as one late batch
  const first = current - 20;

  beforeAll(async () => {
    t = await startTestApp({ alertRules: RULES });
    await request(t.url)
      .post('/api/readings/batch')
      .send(coReadings('worker 1', range(first, first + 15), 100))
      .expect(201);
  });

  afterAll(async () => {
    await t?.close();
    clock.mockRestore();
  });

  it('computes TWA, STEL, stelMax and peak from the minute series as the SPEC defines them', async () => {
    await until(async () => (await exposureOf(t, 'worker 1')).length === 1, 3000, 'exposure');
    // at the end of the 15th minute: 15 minutes of 100
    const [atEnd] = await exposureOf(t, 'worker 1', (first + 14) * 60 + 59);
    expect(atEnd).toMatchObject({
      id: 'worker 1',
      type: 'CO',
      stel: 100,
      twa8h: 3.125, // 15 × 100 / 480
      peak: 100,
      limits: { twa: 35, stel: 50 },
    });
    // five minutes later: the last reading holds one more minute (60 s), then 0
    const [later] = await exposureOf(t, 'worker 1', (first + 20) * 60 + 30);
    expect(later.stel).toBeCloseTo((10 * 100) / 15, 3); // minutes first+6 … first+15
    expect(later.twa8h).toBeCloseTo((16 * 100) / 480, 3);
    expect(later.stelMax).toBe(100);
  });

  it('raises a deduplicated exposure alert when a limit is crossed', async () => {
    await until(
      async () => {
        const res = await request(t.url).get('/api/alerts?rule=exposure_stel').expect(200);
        return res.body.length === 1 && res.body[0].subject === 'worker 1/CO';
      },
      5000,
      'the exposure_stel alert',
    );
  });

  it('resolves the alert when the value falls back below the limit', async () => {
    clock.mockReturnValue((current + 30) * 60 * 1000);
    try {
      t.app.get(ExposureService).refresh();
      await until(
        async () => {
          const res = await request(t.url).get('/api/alerts?rule=exposure_stel').expect(200);
          return res.body[0]?.state === 'resolved';
        },
        3000,
        'the alert to resolve',
      );
    } finally {
      clock.mockImplementation(runningFromMidday);
    }
  });

  it('places a late batch in its own minutes', async () => {
    const before = (await exposureOf(t, 'worker 1'))[0];
    await request(t.url)
      .post('/api/readings/batch')
      .send(coReadings('worker 1', [first - 40], 900))
      .expect(201);
    await until(async () => (await exposureOf(t, 'worker 1'))[0].peak === 900, 3000, 'the peak');
    const after = (await exposureOf(t, 'worker 1'))[0];
    expect(after.stel).toBe(before.stel); // 40 minutes back: outside the STEL window
    // its own minute and the next one, which it holds for EXPOSURE_HOLD_SECONDS
    expect(after.twa8h).toBeCloseTo((before.twa8h as number) + (2 * 900) / 480, 3);
  });

  it('answers the same after a restart in the middle of the shift', async () => {
    const at = (first + 18) * 60;
    const before = await exposureOf(t, 'worker 1', at);
    // a second server on the same database rebuilds its memory from it, as a restart does
    const again = await startTestApp(
      { alertRules: RULES, databaseUrl: t.config.databaseUrl },
      t.dir,
    );
    try {
      expect(await exposureOf(again, 'worker 1', at)).toEqual(before);
    } finally {
      await again.close();
    }
  });

  it('answers a moment older than memory holds from the database, the same way', async () => {
    const yesterday = now - 30 * 3600;
    await request(t.url)
      .post('/api/readings/batch')
      .send(
        coReadings(
          'worker 2',
          range(Math.floor(yesterday / 60) - 15, Math.floor(yesterday / 60)),
          40,
        ),
      )
      .expect(201);
    const [old] = await exposureOf(t, 'worker 2', yesterday);
    expect(old).toMatchObject({ id: 'worker 2', type: 'CO', stel: 40, peak: 40 });
  });

  it('stores a backlog older than the windows without holding it in memory', async () => {
    // a server of its own, whose memory no other test has moved on with a mocked clock
    const fresh = await startTestApp({ alertRules: RULES });
    try {
      const lastWeek = current - 7 * 1440;
      await request(fresh.url)
        .post('/api/readings/batch')
        .send(coReadings('worker 5', range(lastWeek, lastWeek + 600), 30))
        .expect(201);
      // the live bus keeps its order: once a later reading is in, the backlog went past
      await request(fresh.url)
        .post('/receive-json')
        .send({ id: 'worker 6', ts: now, sensors: [{ type: 'CO', val: 1 }] })
        .expect(201);
      await until(async () => (await exposureOf(fresh, 'worker 6')).length === 1, 3000, 'worker 6');
      expect(await exposureOf(fresh, 'worker 5')).toEqual([]);
      // stored all the same: a question about last week is answered from the database
      const [then] = await exposureOf(fresh, 'worker 5', (lastWeek + 599) * 60 + 30);
      expect(then).toMatchObject({ id: 'worker 5', stel: 30, peak: 30 });
    } finally {
      await fresh.close();
    }
  });

  it('gives a TWA of 50 after 8 hours at 50 ppm, and raises exposure_twa', async () => {
    await request(t.url)
      .post('/api/readings/batch')
      .send(coReadings('worker 3', range(current - 479, current + 1), 50))
      .expect(201);
    const [values] = await exposureOf(t, 'worker 3', current * 60 + 30);
    expect(values.twa8h).toBe(50);
    await until(
      async () =>
        (await request(t.url).get('/api/alerts?rule=exposure_twa&subject=worker%203%2FCO')).body
          .length === 1,
      5000,
      'the exposure_twa alert',
    );
  });

  it('sends exposure over Socket.IO and SSE when a value changes', async () => {
    const socket: Socket = io(t.url, { transports: ['websocket'], forceNew: true });
    const sse = await openSse(`${t.url}/api/stream`);
    const seen: Record<string, unknown>[] = [];
    socket.on('exposure', (data) => seen.push(data));
    try {
      await until(() => socket.connected, 3000, 'socket');
      await request(t.url)
        .post('/receive-json')
        .send({ id: 'worker 4', ts: now, sensors: [{ type: 'H2S', val: 4 }] })
        .expect(201);
      await until(() => seen.some((e) => e.id === 'worker 4'), 3000, 'a Socket.IO exposure event');
      expect(seen.find((e) => e.id === 'worker 4')).toMatchObject({ type: 'H2S', peak: 4 });
      await until(
        () =>
          sse.messages.some(
            (m) => m.event === 'exposure' && (m.data as { id: string }).id === 'worker 4',
          ),
        3000,
        'an SSE exposure event',
      );
    } finally {
      socket.close();
      sse.close();
    }
  });

  it('answers a bad query with 400 naming the parameter', async () => {
    const res = await request(t.url).get('/api/exposure?at=soon').expect(400);
    expect(res.body.errors[0].field).toBe('at');
  });
});
