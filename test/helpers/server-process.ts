import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

export interface ServerProcess {
  child: ChildProcess;
  /** http://127.0.0.1:<port> once it listens */
  url: string;
  output(): string;
  /** Resolves with the exit code (or signal) when the process ends. */
  exited: Promise<number | string>;
}

/** Runs the built server (`dist/main.js`, built by `pretest`) as users do, with `env` added. */
export function runServer(env: Record<string, string>): {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | string>;
} {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'main.js')], {
    cwd: env.SITEWATCH_TEST_CWD ?? ROOT,
    env: { PATH: process.env.PATH, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (chunk) => (text += chunk));
  child.stderr!.on('data', (chunk) => (text += chunk));
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string);
  return { child, output: () => text, exited };
}

/** Starts the server and waits for its `listening http host:port` line. */
export async function startServer(
  env: Record<string, string>,
  timeoutMs = 20000,
): Promise<ServerProcess> {
  const run = runServer({ HOST: '127.0.0.1', PORT: '0', TCP_PORT: '0', MQTT_PORT: '0', ...env });
  const end = Date.now() + timeoutMs;
  for (;;) {
    const match = /listening http [\d.]+:(\d+)/.exec(run.output());
    if (match) {
      return { ...run, url: `http://127.0.0.1:${match[1]}` };
    }
    if (run.child.exitCode !== null || Date.now() > end) {
      run.child.kill('SIGKILL');
      throw new Error(`server did not start:\n${run.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
