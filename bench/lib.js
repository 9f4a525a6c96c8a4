// Shared by the bench parts: child processes, their memory, percentiles, the reading document.
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..');

const children = new Set();
// However the bench ends, even on an uncaught error, what it started goes with it.
process.on('exit', () => children.forEach((child) => child.kill('SIGTERM')));

/** `spawn`, with the child stopped when the bench exits. */
export function spawnChild(command, args, options) {
  const child = spawn(command, args, options);
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Starts `node <args>` and resolves once its output matches every pattern; stopped by `stop()`. */
export async function startNode(args, env, patterns, timeoutMs = 60000) {
  // BENCH_NODE_ARGS: flags NODE_OPTIONS refuses, such as --cpu-prof, for profiling a part.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawnChild(process.execPath, [...nodeArgs, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  // BENCH_LOG_DIR: each process's output also goes to a file there, for --trace-gc and the like.
  if (process.env.BENCH_LOG_DIR) {
    const name = `${args.join('-').replace(/[^\w.-]+/g, '_')}.log`;
    const log = createWriteStream(join(process.env.BENCH_LOG_DIR, name));
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const end = Date.now() + timeoutMs;
  for (;;) {
    const matches = patterns.map((pattern) => pattern.exec(output));
    if (matches.every(Boolean)) {
      return {
        child,
        matches,
        output: () => output,
        async stop() {
          if (child.exitCode === null) {
            child.kill('SIGTERM');
            await Promise.race([exited, sleep(15000)]);
            if (child.exitCode === null) {
              child.kill('SIGKILL');
            }
          }
        },
      };
    }
    if (child.exitCode !== null || Date.now() > end) {
      child.kill('SIGKILL');
      throw new Error(`${args.join(' ')} did not start:\n${output.slice(-2000)}`);
    }
    await sleep(50);
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The process's peak resident set (VmHWM), in MB; Linux only. */
export function peakRssMb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmHWM:\s+(\d+) kB/.exec(status)[1]) / 1024;
  } catch {
    return NaN;
  }
}

/** The `p`-th percentile (0–100) of `values`, nearest rank. */
export function percentile(values, p) {
  if (values.length === 0) {
    return NaN;
  }
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** A gas handheld's reading as the SPEC's example documents it. */
export function reading(id, ts, value = 12) {
  return {
    id,
    ts,
    pct: 90,
    sensors: [
      { type: 'CH4', val: 200 },
      { type: 'CO', val: value },
    ],
  };
}
