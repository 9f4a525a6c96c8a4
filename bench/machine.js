// How fast the machine was around each part. A cloud VM's speed moves within minutes (a
// neighbour on the host, a throttled core), and a figure means little without it: before each
// part a fixed piece of work is timed while nothing else of the bench runs, and during the part
// the CPU time the hypervisor took (steal, from /proc/stat) is counted.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const WORK = Buffer.alloc(1 << 20, 7);

/** Milliseconds for a fixed amount of hashing (20 MB of SHA-256), best of three. */
export function timeFixedWork() {
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const started = process.hrtime.bigint();
    const hash = createHash('sha256');
    for (let i = 0; i < 20; i++) {
      hash.update(WORK);
    }
    hash.digest();
    best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e6);
  }
  return best;
}

/** The machine's CPU counters since boot (all CPUs, in ticks); undefined off Linux. */
export function cpuTimes() {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    // cpu user nice system idle iowait irq softirq steal ...
    const ticks = fields.slice(1, 9).map(Number);
    return { total: ticks.reduce((a, b) => a + b, 0), idle: ticks[3] + ticks[4], steal: ticks[7] };
  } catch {
    return undefined;
  }
}

/** Shares of the CPU time between two `cpuTimes()`, in percent. */
export function cpuShares(before, after) {
  if (!before || !after || after.total <= before.total) {
    return { busy: NaN, steal: NaN };
  }
  const total = after.total - before.total;
  return {
    busy: (100 * (total - (after.idle - before.idle))) / total,
    steal: (100 * (after.steal - before.steal)) / total,
  };
}
