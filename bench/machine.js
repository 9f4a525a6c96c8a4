// How fast the machine was around each part. A cloud VM's speed moves within minutes (a
// neighbour on the host, a throttled core), and a figure means little without it: before each
// part a fixed piece of hashing and loopback round trips are timed while the bench's own
// processes are idle, and during the part the CPU time the hypervisor took (steal, from
// /proc/stat) and the share of the CPUs in use are counted.
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
