import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

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
