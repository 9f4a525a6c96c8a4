import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A port free right now on loopback. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A Redis of the test's own, so it can be stopped without touching the machine's. */
export function startRedis(port: number): ChildProcess {
  return spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
}

/** A Mosquitto of the test's own. */
export function startMosquitto(port: number): ChildProcess {
  return spawn('mosquitto', ['-p', String(port)], { stdio: 'ignore' });
}

/** A PostgreSQL cluster of the test's own, in a temp folder: it may be stopped and started. */
export interface PrivatePostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  /** `immediate` is a crash: no checkpoint, connections cut at once. */
  stop(mode?: 'immediate' | 'fast'): Promise<void>;
  start(): Promise<void>;
  /** Stops it (if running) and deletes its folder. */
  destroy(): Promise<void>;
}

/** The newest installed PostgreSQL's bin folder (Debian layout: /usr/lib/postgresql/<v>/bin). */
function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) {
    throw new Error(`no PostgreSQL server found under ${root}/<version>/bin`);
  }
  return join(root, versions[0], 'bin');
}

/** Runs a PostgreSQL tool; as root through `runuser -u postgres`, since initdb refuses root. */
async function runAsPostgres(tool: string, args: string[]): Promise<void> {
  const asRoot = process.getuid?.() === 0;
  const [command, argv] = asRoot
    ? ['runuser', ['-u', 'postgres', '--', tool, ...args]]
    : [tool, args];
  await run(command, argv, { timeout: 60000 });
}

/**
 * Creates and starts a private cluster on `port` (loopback only, trust authentication, its
 * socket in its own folder), so a test can stop it without touching the machine's PostgreSQL.
 */
export async function startPostgres(port: number): Promise<PrivatePostgres> {
  const bin = postgresBin();
  const dir = mkdtempSync(join(tmpdir(), 'sitewatch-pg-'));
  const data = join(dir, 'data');
  const pgCtl = (...args: string[]) => runAsPostgres(join(bin, 'pg_ctl'), ['-D', data, ...args]);
  // -l keeps the server's output out of our pipes; fsync off: a crash of the process (not of
  // the machine) loses nothing, and the tests run faster.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = () => pgCtl('-o', options, '-l', join(dir, 'server.log'), '-w', 'start');
  let running = false;
  try {
    if (process.getuid?.() === 0) {
      await run('chown', ['postgres:', dir]);
    }
    await runAsPostgres(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '-N']);
    await start();
    running = true;
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop(mode = 'immediate') {
      await pgCtl('-m', mode, '-w', 'stop');
      running = false;
    },
    async start() {
      await start();
      running = true;
    },
    async destroy() {
      if (running) {
        await pgCtl('-m', 'immediate', '-w', 'stop').catch(() => undefined);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
