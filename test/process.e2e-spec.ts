import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { projectRoot } from '../src/common/project-root.js';
import { readingDoc } from './helpers/readings.js';
import { runServer, startServer } from './helpers/server-process.js';

describe('the sitewatch process (e2e)', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sitewatch-proc-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['PORT', 'eighty', 'sitewatch: Invalid PORT="eighty": expected a whole number from 0 to 65535'],
    [
      'DATABASE_URL',
      'mysql://db/x',
      'sitewatch: Invalid DATABASE_URL="mysql://db/x": expected a URL starting with postgres:// or postgresql://',
    ],
  ])('stops on a bad %s with one line naming it', async (name, value, line) => {
    const run = runServer({ [name]: value, DATABASE_PATH: join(dir, 'db.sqlite') });
    expect(await run.exited).toBe(78);
    expect(run.output().trim()).toBe(line);
  });

  it('stops with a message naming the port and the variable when the port is taken', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const run = runServer({
        PORT: String(port),
        TCP_PORT: '0',
        MQTT_PORT: '0',
        DATABASE_PATH: join(dir, 'db.sqlite'),
        ACTIVITY_LOG_FILE: join(dir, 'activity.txt'),
      });
      expect(await run.exited).toBe(78);
      expect(run.output()).toContain(
        `Cannot listen for HTTP on 127.0.0.1:${port} (EADDRINUSE): set PORT`,
      );
    } finally {
      blocker.close();
    }
  });

  it('creates the SQLite file with its folder, in WAL mode, and logs the bound port', async () => {
    const server = await startServer({
      DATABASE_PATH: join(dir, 'nested', 'deeper', 'db.sqlite'),
      ACTIVITY_LOG_FILE: join(dir, 'activity.txt'),
    });
    try {
      await request(server.url).post('/receive-json').send(readingDoc()).expect(201);
      expect(server.output()).toMatch(/"msg":"listening http 127\.0\.0\.1:\d+"/);
    } finally {
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
    }
    const { default: sqlite3 } = await import('sqlite3');
    const db = new sqlite3.Database(join(dir, 'nested', 'deeper', 'db.sqlite'));
    const mode = await new Promise((resolve, reject) =>
      db.get('PRAGMA journal_mode', (error, row) => (error ? reject(error) : resolve(row))),
    );
    db.close();
    expect(mode).toEqual({ journal_mode: 'wal' });
  });

  it('applies the migrations with the TypeORM CLI and ormconfig (npm run migration:run)', () => {
    const cli = spawnSync(
      process.execPath,
      ['node_modules/typeorm/cli.js', 'migration:run', '-d', 'dist/ormconfig.js'],
      {
        cwd: projectRoot(),
        env: { PATH: process.env.PATH, DATABASE_PATH: join(dir, 'cli.sqlite') },
        encoding: 'utf8',
      },
    );
    expect(cli.status).toBe(0);
    expect(cli.stdout).toContain(
      'Migration InitialSchema1764000000000 has been executed successfully.',
    );
    const again = spawnSync(
      process.execPath,
      ['node_modules/typeorm/cli.js', 'migration:run', '-d', 'dist/ormconfig.js'],
      {
        cwd: projectRoot(),
        env: { PATH: process.env.PATH, DATABASE_PATH: join(dir, 'cli.sqlite') },
        encoding: 'utf8',
      },
    );
    expect(again.stdout).toContain('No migrations are pending');
  });

  it('commits every accepted reading when stopped with SIGTERM under load', async () => {
    const env = {
      DATABASE_PATH: join(dir, 'db.sqlite'),
      ACTIVITY_LOG_FILE: join(dir, 'activity.txt'),
    };
    const server = await startServer(env);
    const accepted: number[] = [];
    let stopped = false;
    const posting = Array.from({ length: 20 }, async (_, worker) => {
      for (let i = 0; !stopped && i < 200; i++) {
        try {
          const res = await request(server.url)
            .post('/receive-json')
            .send(readingDoc({ id: `w${worker}`, ts: 1700000000 + i }));
          if (res.status === 201) {
            accepted.push(res.body.readingId);
          }
        } catch {
          return; // the connection was closed by the shutdown
        }
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 400));
    server.child.kill('SIGTERM');
    stopped = true;
    await Promise.all(posting);
    expect(await server.exited).toBe(0);
    expect(accepted.length).toBeGreaterThan(0);

    const again = await startServer(env);
    try {
      const res = await request(again.url)
        .get('/get-data-from-timestamp?system_time=0&limit=50000')
        .expect(200);
      const stored = new Set(res.body.map((r: { readingId: number }) => r.readingId));
      expect(accepted.filter((id) => !stored.has(id))).toEqual([]);
    } finally {
      again.child.kill('SIGTERM');
      await again.exited;
    }
  });
});
