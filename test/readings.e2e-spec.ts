import request from 'supertest';
import { io, type Socket } from 'socket.io-client';
import { DataSource } from 'typeorm';
import { ReadingWriter } from '../src/readings/reading-writer.js';
import { readingDoc } from './helpers/readings.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';

describe('readings over HTTP (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('keeps SQLite in WAL mode with synchronous FULL, so a 201 survives a power cut', async () => {
    const db = t.app.get(DataSource);
    if (db.options.type !== 'sqlite') {
      return; // PostgreSQL under npm run test:services: its own fsync settings apply
    }
    expect(await db.query('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
    expect(await db.query('PRAGMA synchronous')).toEqual([{ synchronous: 2 }]);
  });

  async function storedCount(): Promise<number> {
    const res = await request(t.url)
      .get('/get-data-from-timestamp?system_time=0&limit=50000')
      .expect(200);
    return res.body.length;
  }

  async function post(doc: unknown): Promise<Record<string, unknown>> {
    const res = await request(t.url)
      .post('/receive-json')
      .send(doc as object)
      .expect(201);
    return res.body;
  }

  it('stores a document and answers the stored reading', async () => {
    const before = Date.now() / 1000;
    const body = await post(readingDoc({ id: 'shape-check', firmware: 'ignored' }));
    expect(body).toEqual({
      readingId: expect.any(Number),
      id: 'shape-check',
      ts: 1673049150,
      pct: 90,
      sensors: [
        { type: 'CH4', val: 200 },
        { type: 'CO', val: 12 },
      ],
      receivedAt: expect.any(Number),
      source: 'http',
      gateway: null,
    });
    expect(body.receivedAt).toBeGreaterThanOrEqual(before - 1);
    const last = await request(t.url)
      .get('/get-last-entity')
      .query({ id: 'shape-check' })
      .expect(200);
    expect(last.body).toEqual(body);
  });

  it('answers 404 with a JSON message for a device with no readings', async () => {
    const res = await request(t.url).get('/get-last-entity').query({ id: 'nobody' }).expect(404);
    expect(res.body.message).toBe('No readings from device nobody');
  });

  it('returns the newest reading by ts, not by arrival', async () => {
    await post(readingDoc({ id: 'order', ts: 1700000200 }));
    await post(readingDoc({ id: 'order', ts: 1700000100 }));
    const res = await request(t.url).get('/get-last-entity?id=order').expect(200);
    expect(res.body.ts).toBe(1700000200);
  });

  it.each([
    ['malformed JSON', '{"id": "x",', ['body']],
    ['a missing id', JSON.stringify(readingDoc({ id: undefined })), ['id']],
    ['a numeric id', JSON.stringify(readingDoc({ id: 7 })), ['id']],
    ['an over-long id', JSON.stringify(readingDoc({ id: 'x'.repeat(129) })), ['id']],
    [
      'a non-finite value',
      '{"id":"a","ts":1673049150,"sensors":[{"type":"CO","val":1e999}]}',
      ['sensors.0.val'],
    ],
    [
      'too many sensors',
      JSON.stringify(
        readingDoc({ sensors: Array.from({ length: 65 }, () => ({ type: 'CO', val: 1 })) }),
      ),
      ['sensors'],
    ],
    ['a time before 2000', JSON.stringify(readingDoc({ ts: 1 })), ['ts']],
    ['a JSON array', '[1,2]', ['body', 'id', 'ts', 'sensors']],
  ])('refuses %s with a 400 naming the field and stores nothing', async (_case, raw, fields) => {
    const before = await storedCount();
    const res = await request(t.url)
      .post('/receive-json')
      .set('Content-Type', 'application/json')
      .send(raw)
      .expect(400);
    const named = res.body.errors.map((error: { field: string }) => error.field);
    expect(named.some((field: string) => fields.includes(field))).toBe(true);
    expect(await storedCount()).toBe(before);
  });

  it('answers 413 for a body over 64 KiB and keeps serving', async () => {
    const big = readingDoc({ id: 'big', note: 'x'.repeat(70 * 1024) });
    const res = await request(t.url).post('/receive-json').send(big).expect(413);
    expect(res.body.message).toMatch(/limit/);
    await post(readingDoc({ id: 'after-big' }));
  });

  it('answers a body nested thousands of levels deep with 400 on both ingest routes', async () => {
    const deep = JSON.parse(`${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`);
    for (const [path, body] of [
      ['/receive-json', { ...readingDoc({ id: 'deep' }), extra: deep }],
      ['/api/readings/batch', [{ ...readingDoc({ id: 'deep' }), extra: deep }]],
    ] as const) {
      const res = await request(t.url).post(path).send(body).expect(400);
      expect(JSON.stringify(res.body.errors)).toContain('levels deep');
    }
    await post(readingDoc({ id: 'after-deep' }));
  });

  it('stores ids that look like SQL or prototype keys verbatim', async () => {
    for (const id of [
      "x'); DROP TABLE sensor_data;--",
      '__proto__',
      '<img src=x onerror=alert(1)>',
    ]) {
      const body = await post(readingDoc({ id }));
      expect(body.id).toBe(id);
      const last = await request(t.url).get('/get-last-entity').query({ id }).expect(200);
      expect(last.body.id).toBe(id);
    }
    await request(t.url).get('/get-last-entity').expect(200);
  });

  it('stores a batch all or none', async () => {
    const docs = Array.from({ length: 50 }, (_, i) =>
      readingDoc({ id: 'batch-ok', ts: 1680000000 + i }),
    );
    const res = await request(t.url).post('/api/readings/batch').send(docs).expect(201);
    expect(res.body).toHaveLength(50);
    expect(res.body.map((r: { ts: number }) => r.ts)).toEqual(docs.map((d) => d.ts));

    const bad = [readingDoc({ id: 'batch-bad' }), readingDoc({ id: 'batch-bad', pct: 500 })];
    const refused = await request(t.url).post('/api/readings/batch').send(bad).expect(400);
    expect(refused.body.errors).toEqual([
      { field: '1.pct', message: 'pct must not be greater than 100' },
    ]);
    await request(t.url).get('/get-last-entity?id=batch-bad').expect(404);
  });

  it('limits a batch to 1000 documents and 1 MiB', async () => {
    const many = Array.from({ length: 1001 }, () => readingDoc({ id: 'too-many' }));
    await request(t.url).post('/api/readings/batch').send(many).expect(400);
    const heavy = Array.from({ length: 10 }, () =>
      readingDoc({ id: 'heavy', pad: 'x'.repeat(110 * 1024) }),
    );
    await request(t.url).post('/api/readings/batch').send(heavy).expect(413);
    await request(t.url).post('/api/readings/batch').send({ id: 'x' }).expect(400);
  });

  it('pages /get-data-from-timestamp with a Link header', async () => {
    const docs = Array.from({ length: 25 }, (_, i) =>
      readingDoc({ id: 'paged', ts: 1690000000 + Math.floor(i / 2) }),
    );
    await request(t.url).post('/api/readings/batch').send(docs).expect(201);
    const seen: number[] = [];
    let next: string | undefined =
      '/get-data-from-timestamp?system_time=1690000000&id=paged&limit=10';
    let pages = 0;
    while (next) {
      const res: request.Response = await request(t.url).get(next).expect(200);
      seen.push(...res.body.map((r: { readingId: number }) => r.readingId));
      next = /^<([^>]+)>; rel="next"$/.exec(res.headers.link ?? '')?.[1];
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    const all = await request(t.url)
      .get('/get-data-from-timestamp?system_time=1690000005&id=paged')
      .expect(200);
    expect(all.body.every((r: { ts: number }) => r.ts >= 1690000005)).toBe(true);
    expect(all.headers.link).toBeUndefined();
  });

  it('rejects a bad query with a 400 naming the parameter', async () => {
    const res = await request(t.url).get('/get-data-from-timestamp?system_time=soon').expect(400);
    expect(res.body.errors[0].field).toBe('system_time');
    await request(t.url).get('/get-data-from-timestamp?system_time=0&limit=50001').expect(400);
    await request(t.url).get('/api/readings?cursor=garbage').expect(400);
    // blank is not 0 (JavaScript's Number('') is): `to=` must not mean 1970
    for (const query of [
      '/api/readings?to=',
      '/get-data-from-timestamp?system_time=',
      '/api/readings?from=%20',
    ]) {
      const blank = await request(t.url).get(query).expect(400);
      expect(blank.body.errors[0].field).toMatch(/^(to|from|system_time)$/);
    }
  });

  it('pages /api/readings newest first with cursors and filters by type', async () => {
    const docs = Array.from({ length: 7 }, (_, i) =>
      readingDoc({
        id: 'cursor',
        ts: 1695000000 + i,
        sensors: [{ type: i % 2 ? 'H2S' : 'O2', val: i }],
      }),
    );
    await request(t.url).post('/api/readings/batch').send(docs).expect(201);
    const first = await request(t.url).get('/api/readings?id=cursor&limit=4').expect(200);
    expect(first.body.items.map((r: { ts: number }) => r.ts)).toEqual([
      1695000006, 1695000005, 1695000004, 1695000003,
    ]);
    const second = await request(t.url)
      .get(`/api/readings?id=cursor&limit=4&cursor=${first.body.nextCursor}`)
      .expect(200);
    expect(second.body.items.map((r: { ts: number }) => r.ts)).toEqual([
      1695000002, 1695000001, 1695000000,
    ]);
    expect(second.body.nextCursor).toBeNull();
    const h2s = await request(t.url)
      .get('/api/readings?id=cursor&type=H2S&from=1695000002&to=1695000006')
      .expect(200);
    expect(h2s.body.items.map((r: { ts: number }) => r.ts)).toEqual([1695000005, 1695000003]);
  });

  it('gives the newest reading of each device', async () => {
    await request(t.url)
      .post('/api/readings/batch')
      .send([
        readingDoc({ id: 'latest-a', ts: 1700000000 }),
        readingDoc({ id: 'latest-a', ts: 1700000010 }),
        readingDoc({ id: 'latest-b', ts: 1700000005 }),
      ])
      .expect(201);
    const res = await request(t.url).get('/api/readings/latest').expect(200);
    const ids = res.body.map((r: { id: string }) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    const a = res.body.find((r: { id: string }) => r.id === 'latest-a');
    expect(a.ts).toBe(1700000010);
    const ts = res.body.map((r: { ts: number }) => r.ts);
    expect(ts).toEqual([...ts].sort((x: number, y: number) => y - x));
  });

  it('computes series buckets in the database', async () => {
    const base = 1710000000;
    const docs = [0, 5, 59, 60, 61, 200].map((offset, i) =>
      readingDoc({
        id: 'series',
        ts: base + offset,
        sensors: [
          { type: 'CO', val: i + 1 },
          { type: 'CO', val: 10 * (i + 1) },
          { type: 'O2', val: 20.9 },
        ],
      }),
    );
    await request(t.url).post('/api/readings/batch').send(docs).expect(201);
    const res = await request(t.url)
      .get(`/api/readings/series?id=series&type=CO&from=${base}&to=${base + 300}&points=5`)
      .expect(200);
    expect(res.body).toEqual({
      from: base,
      to: base + 300,
      bucketSeconds: 60,
      points: [
        { t: base, min: 1, max: 30, avg: (1 + 10 + 2 + 20 + 3 + 30) / 6, count: 6 },
        { t: base + 60, min: 4, max: 50, avg: (4 + 40 + 5 + 50) / 4, count: 4 },
        { t: base + 180, min: 6, max: 60, avg: 33, count: 2 },
      ],
    });
    const empty = await request(t.url)
      .get(`/api/readings/series?id=series&type=CO&from=${base + 1000}&to=${base + 2000}`)
      .expect(200);
    expect(empty.body.points).toEqual([]);
    await request(t.url)
      .get(`/api/readings/series?id=series&type=CO&from=${base}&to=${base}`)
      .expect(400);
    await request(t.url).get('/api/readings/series?type=CO').expect(400);
  });

  it('streams a CSV with one row per sensor value', async () => {
    await request(t.url)
      .post('/api/readings/batch')
      .send([
        readingDoc({
          id: '=csv',
          ts: 1720000000,
          pct: undefined,
          sensors: [
            { type: 'CO', val: 1.5 },
            { type: 'CO', val: 2 },
          ],
        }),
      ])
      .expect(201);
    const res = await request(t.url).get('/api/readings.csv?id=%3Dcsv').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.text.trim().split('\n')).toEqual([
      'ts_iso,device_id,battery_pct,type,index,value',
      "2024-07-03T09:46:40.000Z,'=csv,,CO,0,1.5",
      "2024-07-03T09:46:40.000Z,'=csv,,CO,1,2",
    ]);
  });

  it('stores every one of 200 concurrent posts, grouping them into fewer transactions', async () => {
    const writer = t.app.get(ReadingWriter);
    const transactionsBefore = writer.committedTransactions;
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        request(t.url)
          .post('/receive-json')
          .send(readingDoc({ id: 'burst', ts: 1730000000 + i })),
      ),
    );
    expect(results.every((res) => res.status === 201)).toBe(true);
    const ids = new Set(results.map((res) => res.body.readingId));
    expect(ids.size).toBe(200);
    expect(writer.committedTransactions - transactionsBefore).toBeLessThan(200);
    expect(writer.waiting).toBe(0);
    const stored = await request(t.url)
      .get('/get-data-from-timestamp?system_time=0&id=burst')
      .expect(200);
    expect(stored.body).toHaveLength(200);
    for (const res of results) {
      expect(
        stored.body.find((r: { readingId: number }) => r.readingId === res.body.readingId),
      ).toEqual(res.body);
    }
  });

  it('serves liveness, readiness and the OpenAPI document', async () => {
    await request(t.url).get('/health/live').expect(200);
    const ready = await request(t.url).get('/health/ready').expect(200);
    expect(ready.body.info.database.status).toBe('up');
    const doc = await request(t.url).get('/api/docs-json').expect(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/receive-json', '/api/readings/series']),
    );
    await request(t.url).get('/api/docs').expect(200);
  });
});

describe('update_data over Socket.IO (e2e)', () => {
  let t: TestApp;
  const clients: Socket[] = [];

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    clients.forEach((client) => client.close());
    await t.close();
  });

  async function connect(): Promise<Socket> {
    const client = io(t.url, { transports: ['websocket'], forceNew: true });
    clients.push(client);
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('connect_error', reject);
    });
    return client;
  }

  function collect(client: Socket): unknown[] {
    const got: unknown[] = [];
    client.on('update_data', (reading) => got.push(reading));
    return got;
  }

  async function until(check: () => boolean, ms = 3000): Promise<void> {
    const end = Date.now() + ms;
    while (!check()) {
      if (Date.now() > end) {
        throw new Error('timed out waiting');
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('pushes every stored reading with exactly the 201 body', async () => {
    const client = await connect();
    const got = collect(client);
    const res = await request(t.url)
      .post('/receive-json')
      .send(readingDoc({ id: 'live' }))
      .expect(201);
    await until(() => got.length === 1);
    expect(got[0]).toEqual(res.body);
  });

  it('sends only the subscribed device after `subscribe`', async () => {
    const everything = await connect();
    const filtered = await connect();
    const all = collect(everything);
    const only = collect(filtered);
    const ack = await filtered.emitWithAck('subscribe', { deviceId: 'wanted' });
    expect(ack).toEqual({ ok: true });
    await request(t.url)
      .post('/api/readings/batch')
      .send([
        readingDoc({ id: 'other' }),
        readingDoc({ id: 'wanted' }),
        readingDoc({ id: 'other' }),
      ])
      .expect(201);
    await until(() => all.length === 3 && only.length === 1);
    expect((only[0] as { id: string }).id).toBe('wanted');
    expect(await filtered.emitWithAck('subscribe', { deviceId: '' })).toEqual({
      ok: false,
      error: expect.any(String),
    });
    expect(await filtered.emitWithAck('unsubscribe', {})).toEqual({ ok: true });
    await request(t.url)
      .post('/receive-json')
      .send(readingDoc({ id: 'other' }))
      .expect(201);
    await until(() => only.length === 2);
  });
});
