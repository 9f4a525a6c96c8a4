// How fast the machine was around each part. A cloud VM's speed moves within minutes (a
// neighbour on the host, a throttled core), and a figure means little without it: before each
// part a fixed piece of hashing, a walk through memory and loopback round trips are timed
// while the bench's own processes are idle, and during the part the share of the CPUs in use
// and the CPU time the hypervisor took (steal, from /proc/stat) are counted.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import net from 'node:net';

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

/**
 * Microseconds per round trip of one byte over a loopback TCP connection, best of three runs
 * of 1,000 after 1,000 unmeasured (both ends in this process): the kernel's share of the
 * speed, which hashing does not show.
 */
export async function timeLoopbackRoundTrip() {
  const server = net.createServer((socket) => socket.on('data', (data) => socket.write(data)));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const client = net.connect(server.address().port, '127.0.0.1');
  await once(client, 'connect');
  const trips = async (count) => {
    const started = process.hrtime.bigint();
    for (let i = 0; i < count; i++) {
      client.write('x');
      await once(client, 'data');
    }
    return Number(process.hrtime.bigint() - started) / 1e3 / count;
  };
  await trips(1000);
  const best = Math.min(await trips(1000), await trips(1000), await trips(1000));
  client.destroy();
  server.close();
  return best;
}

/** Built on the first `timeMemory`, not when the bench loads this file. */
let chain;

/** A random cycle through every slot of a 64 MB array (Sattolo's shuffle), for `timeMemory`. */
function memoryChain(slots) {
  const order = new Int32Array(slots);
  for (let i = 0; i < slots; i++) {
    order[i] = i;
  }
  for (let i = slots - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const next = new Int32Array(slots);
  for (let i = 0; i < slots; i++) {
    next[order[i]] = order[(i + 1) % slots];
  }
  return next;
}

/**
 * Nanoseconds per step of a walk through memory where each step's address is the last step's
 * value (best of three walks of a million steps): the memory's latency, which a busy neighbour
 * on the host can raise while hashing, which stays in the cache, runs as fast as ever.
 */
export function timeMemory() {
  chain ??= memoryChain(1 << 24);
  let best = Infinity;
  let at = 0;
  for (let round = 0; round < 3; round++) {
    const started = process.hrtime.bigint();
    for (let step = 0; step < 1e6; step++) {
      at = chain[at];
    }
    best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e6);
  }
  return best + (at < 0 ? 1 : 0); // `at` used, so the walk is not optimised away
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
