import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import request from 'supertest';
import { freePort, type PrivatePostgres, startPostgres } from '../helpers/processes.js';
import { readingDoc } from '../helpers/readings.js';
import { type ServerProcess, startServer } from '../helpers/server-process.js';
import { TcpClient } from '../helpers/tcp-client.js';
import { until } from '../helpers/wait.js';

const POSTERS = 10;
// The pool's connect timeout is 5 s; an answer later than this is a request left hanging.
const BOUNDED_MS = 7000;

interface Outcome {
  status: number;
  /** When it was sent, and how long the answer took. */
  at: number;
  ms: number;
  doc: { id: string; ts: number };
  readingId?: number;
}

/** Devices posting distinct readings until `stop()` (a short pause after a refusal). */
function startPosting(url: string): { outcomes: Outcome[]; stop: () => Promise<void> } {
  const outcomes: Outcome[] = [];
  let stopped = false;
  let next = 0;
  const poster = async (worker: number): Promise<void> => {
    while (!stopped) {
      const doc = { id: `pg outage ${worker}`, ts: 1700000000 + next++ };
      const started = Date.now();
      // A connection error is status 0: sitewatch must never drop a connection here.
      const { status, body } = await request(url)
        .post('/receive-json')
        .send(readingDoc(doc))
        .catch(() => ({ status: 0, body: {} as { readingId?: number } }));
      outcomes.push({
        status,
        at: started,
        ms: Date.now() - started,
        doc,
        readingId: body.readingId,
      });
      if (status !== 201) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  };
  const running = Promise.all(Array.from({ length: POSTERS }, (_, worker) => poster(worker)));
  return {
    outcomes,
    stop: async () => {
      stopped = true;
      await running;
    },
  };
}

async function storedReadings(url: string): Promise<Map<number, { id: string; ts: number }>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows }: { rows: { id: string; device_id: string; ts: number }[] } = await client.query(
      'SELECT id, device_id, ts FROM sensor_data',
    );
    return new Map(rows.map((r) => [Number(r.id), { id: r.device_id, ts: Number(r.ts) }]));
  } finally {
    await client.end();
  }
}

describe('when PostgreSQL goes away (services)', () => {
  let postgres: PrivatePostgres;
  let server: ServerProcess;
  let posting: ReturnType<typeof startPosting> | undefined;
  let tcpPort: number;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sitewatch-pg-outage-'));
    postgres = await startPostgres(await freePort());
    server = await startServer({
      DATABASE_URL: postgres.url,
      ACTIVITY_LOG_FILE: join(dir, 'activity.txt'),
      // A per-client rate limit would refuse this load from one address.
      HTTP_RATE_LIMIT: '0',
    });
    tcpPort = Number(/listening tcp [\d.]+:(\d+)/.exec(server.output())![1]);
  }, 30000);

  afterAll(async () => {
    await posting?.stop();
    server?.child.kill('SIGKILL');
    await server?.exited;
    await postgres?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const database = async () =>
    (await request(server.url).get('/api/status').expect(200)).body.components.database?.status;
  const ready = async () => (await request(server.url).get('/health/ready')).status;
  const postOne = (id: string) =>
    request(server.url).post('/receive-json').send(readingDoc({ id }));

  it('answers 503 with Retry-After while it is down and recovers without a restart', async () => {
    const load = startPosting(server.url);
    posting = load;
    await until(
      () => load.outcomes.filter((o) => o.status === 201).length >= 100,
      10000,
      '100 stored',
    );
    expect(await database()).toBe('online');
    expect(await ready()).toBe(200);

    await postgres.stop('immediate');
    const started = Date.now();
    await until(async () => (await postOne('probe during')).status === 503, BOUNDED_MS, '503');
    const refused = await postOne('during outage');
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    expect(refused.body).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'database unavailable, retry later',
    });
    expect(await ready()).toBe(503);
    await until(async () => (await database()) === 'error', BOUNDED_MS, 'database error');
    expect((await request(server.url).get('/api/status').expect(200)).body.status).toBe('error');
    const device = await TcpClient.connect(tcpPort);
    await until(
      () => load.outcomes.filter((o) => o.status === 503).length >= 50,
      BOUNDED_MS,
      'devices refused while it is down',
    );
    expect((await device.send('PersonEntered\n'))[0]).toMatch(/^ERR /);
    expect(Date.now() - started).toBeLessThan(3 * BOUNDED_MS);

    await postgres.start();
    await until(async () => (await postOne('probe after')).status === 201, 15000, '201 again');
    await until(async () => (await ready()) === 200, 10000, 'ready again');
    await until(async () => (await database()) === 'online', 10000, 'database online');
    expect((await device.send('PersonEntered\n'))[0]).toMatch(/^OK \d+$/);
    device.close();
    const recovered = Date.now();
    const sinceRecovery = () => load.outcomes.filter((o) => o.at >= recovered);
    await until(() => sinceRecovery().length >= 50, 10000, 'posts after recovery');
    await load.stop();

    const { outcomes } = load;
    expect(outcomes.filter((o) => o.status !== 201 && o.status !== 503)).toEqual([]);
    expect(outcomes.filter((o) => o.ms > BOUNDED_MS)).toEqual([]);
    expect(sinceRecovery().filter((o) => o.status !== 201)).toEqual([]);
    const stored = await storedReadings(postgres.url);
    const lost = outcomes.filter(
      (o) => o.status === 201 && JSON.stringify(stored.get(o.readingId!)) !== JSON.stringify(o.doc),
    );
    expect(lost.map((o) => o.doc)).toEqual([]);
  }, 60000);
});
