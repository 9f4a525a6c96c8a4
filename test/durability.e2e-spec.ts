import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { readingDoc } from './helpers/readings.js';
import { type ServerProcess, startServer } from './helpers/server-process.js';

const TOTAL = 2000;
const CONCURRENCY = 50;
const SIGNAL_AFTER = 500;
// A connection the dying server closed, reset or no longer accepts: the client knows to retry.
const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE']);

interface Outcome {
  /** HTTP status, or the socket error code. */
  result: number | string;
  /** The answer (or the error) came after the signal was sent. */
  afterSignal: boolean;
  doc: { id: string; ts: number };
  readingId?: number;
}

/** Posts one document on a fresh connection; a request that hangs is an error of its own. */
function post(url: string, doc: object): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}/receive-json`,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
        res.on('error', reject);
      },
    );
    req.setTimeout(15000, () => req.destroy(Object.assign(new Error('hung'), { code: 'HUNG' })));
    req.on('error', reject);
    req.end(JSON.stringify(doc));
  });
}

/** Posts TOTAL distinct readings CONCURRENCY at a time; calls `signal` after SIGNAL_AFTER 201s. */
async function postUnderLoad(url: string, signal: () => void): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let next = 0;
  let accepted = 0;
  let signalled = false;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < TOTAL; i = next++) {
      const doc = { id: `durable ${i % CONCURRENCY}`, ts: 1700000000 + i };
      try {
        const res = await post(url, readingDoc(doc));
        const readingId = res.status === 201 ? JSON.parse(res.body).readingId : undefined;
        outcomes.push({ result: res.status, afterSignal: signalled, doc, readingId });
        if (res.status === 201 && ++accepted === SIGNAL_AFTER) {
          signalled = true;
          signal();
        }
      } catch (error) {
        const code = String((error as { code?: string }).code);
        outcomes.push({ result: code, afterSignal: signalled, doc });
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return outcomes;
}

/** Every reading in the database, by readingId, as the restarted server reports them. */
async function storedReadings(url: string): Promise<Map<number, { id: string; ts: number }>> {
  const res = await request(url).get('/get-data-from-timestamp?system_time=0&limit=50000');
  expect(res.status).toBe(200);
  return new Map(
    res.body.map((r: { readingId: number; id: string; ts: number }) => [
      r.readingId,
      { id: r.id, ts: r.ts },
    ]),
  );
}

describe('durability of accepted readings (e2e)', () => {
  let dir: string;
  let env: Record<string, string>;
  let servers: ServerProcess[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sitewatch-durable-'));
    servers = [];
    env = {
      DATABASE_PATH: join(dir, 'db.sqlite'),
      ACTIVITY_LOG_FILE: join(dir, 'activity.txt'),
      // A per-client rate limit would refuse this load from one address.
      HTTP_RATE_LIMIT: '0',
    };
  });

  afterEach(async () => {
    for (const server of servers) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['SIGTERM', 0],
    ['SIGKILL', 'SIGKILL'],
  ] as const)(
    'keeps every reading answered 201 when the process gets %s under load',
    async (signal, exit) => {
      const server = await startServer(env);
      servers.push(server);
      const outcomes = await postUnderLoad(server.url, () => server.child.kill(signal));
      expect(await server.exited).toBe(exit);

      const accepted = outcomes.filter((o) => o.result === 201);
      expect(accepted.length).toBeGreaterThanOrEqual(SIGNAL_AFTER);
      expect(accepted.length).toBeLessThan(TOTAL);
      // Refused or cut off, never a 500 and never a request left hanging.
      const refused = outcomes.filter((o) => o.result !== 201);
      expect(
        refused.filter((o) => o.result !== 503 && !CONNECTION_ERRORS.has(String(o.result))),
      ).toEqual([]);
      expect(refused.filter((o) => !o.afterSignal)).toEqual([]);

      const again = await startServer(env);
      servers.push(again);
      const stored = await storedReadings(again.url);
      const lost = accepted.filter(
        (o) => JSON.stringify(stored.get(o.readingId!)) !== JSON.stringify(o.doc),
      );
      expect(lost.map((o) => o.doc)).toEqual([]);
      // Nothing was stored that no client sent, and the file takes new readings.
      expect(stored.size).toBeLessThanOrEqual(TOTAL);
      await request(again.url)
        .post('/receive-json')
        .send(readingDoc({ id: 'after restart' }))
        .expect(201);
    },
    60000,
  );
});
