// npm run bench -- [--only http,batch,tcp,mqtt,fanout,history] [--seconds 10] [--keep]
// SPEC 9: loads sitewatch (dist/main.js on a fresh SQLite file) from this process on loopback,
// next to its two floors (a bare Node http server and a minimal NestJS app with the same
// ValidationPipe and DTO, both storing nothing), and prints one table. Stops everything it
// started; `--keep` leaves the SQLite file for a look.
import autocannon from 'autocannon';
import { once } from 'node:events';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import mqtt from 'mqtt';
import sqlite3 from 'sqlite3';
import { peakRssMb, percentile, reading, ROOT, sleep, spawnChild, startNode } from './lib.js';
import {
  cpuShares,
  cpuTimes,
  timeFixedWork,
  timeLoopbackRoundTrip,
  timeMemory,
} from './machine.js';

const PARTS = ['http', 'batch', 'tcp', 'mqtt', 'fanout', 'history'];
const { values: options } = parseArgs({
  options: {
    only: { type: 'string', default: PARTS.join(',') },
    seconds: { type: 'string', default: '10' },
    keep: { type: 'boolean', default: false },
  },
});
const parts = options.only.split(',').map((part) => part.trim());
const seconds = Number(options.seconds);
if (parts.some((part) => !PARTS.includes(part)) || !(seconds >= 1 && seconds <= 600)) {
  console.error(`usage: npm run bench -- [--only ${PARTS.join(',')}] [--seconds 1–600] [--keep]`);
  process.exit(64);
}

const rows = [];
/** Per part: hashing, memory and loopback timed before it, CPU shares during it (machine.js). */
const machine = [];
const row = (path, load, result, floor, target, ok) => {
  rows.push({ path, load, result, floor, target, ok });
  console.error(`  ${path}: ${result}${floor ? ` (${floor})` : ''}`);
};
const fmt = (n, digits = 0) =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits }) : '—';
// An idle socket is dropped after 4 s, before the server's 5 s keep-alive ends it: Node's agent
// heeds the server's `Keep-Alive: timeout=5` only when it has a timeout of its own, and without
// one a post between two parts (1000 clients connecting) could go out on a socket the server was
// closing, and fail with ECONNRESET.
const agent = new http.Agent({ keepAlive: true, maxSockets: 64, timeout: 4000 });

/** One request on the keep-alive agent; resolves to its status and body text. */
function send(url, method, body) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers = data
      ? { 'Content-Type': 'application/json', 'Content-Length': data.length }
      : undefined;
    const req = http.request(url, { method, agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }),
      );
    });
    req.on('error', reject);
    req.end(data);
  });
}

const post = (url, body) => send(url, 'POST', body);

async function getJson(url) {
  return JSON.parse((await send(url, 'GET')).body);
}

/** Seconds of load before each measurement, not counted: JIT and caches warm for every target. */
const WARM_UP_SECONDS = 2;

/**
 * Requests/s, p50/p99 latency and non-2xx of `connections` clients posting `body` for `seconds`;
 * `body` is a document, or a function that answers each request's own.
 */
async function cannon(url, body, connections) {
  const fresh =
    typeof body === 'function'
      ? { requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify(body()) }) }] }
      : { body: JSON.stringify(body) };
  const load = (duration) =>
    autocannon({
      url,
      connections,
      duration,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      ...fresh,
    });
  await load(WARM_UP_SECONDS);
  const result = await load(seconds);
  return {
    perSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failed: result.non2xx + result.errors + result.timeouts,
  };
}

async function httpPart(server) {
  const doc = reading('bench-http', Math.floor(Date.now() / 1000));
  const bare = await startNode(['bench/floors.js', 'bare'], {}, [/listening (\d+)/]);
  const floorBare = await cannon(`http://127.0.0.1:${bare.matches[0][1]}/receive-json`, doc, 50);
  await bare.stop();
  const nest = await startNode(['bench/floors.js', 'nest'], {}, [/listening (\d+)/]);
  const floorNest = await cannon(`http://127.0.0.1:${nest.matches[0][1]}/receive-json`, doc, 50);
  await nest.stop();
  const ours = await cannon(`${server.url}/receive-json`, doc, 50);
  const ratio = ours.perSecond / floorNest.perSecond;
  row(
    'HTTP ingest, one document a request',
    '50 connections',
    `${fmt(ours.perSecond)} req/s, p50 ${ours.p50} ms, p99 ${ours.p99} ms${ours.failed ? `, ${ours.failed} failed` : ''}`,
    `NestJS floor ${fmt(floorNest.perSecond)} req/s (${fmt(ratio * 100)} %), bare Node ${fmt(floorBare.perSecond)} req/s (${fmt((ours.perSecond / floorBare.perSecond) * 100)} %)`,
    '≥ 90 % of the NestJS floor, p99 ≤ 50 ms',
    ratio >= 0.9 && ours.p99 <= 50 && ours.failed === 0,
  );
}

/**
 * A gateway uploading its backlog: 10 devices, each with its next 10 seconds of readings, from
 * two days ago onwards; every call answers the next request's 100 documents.
 */
function backlog() {
  let next = Math.floor(Date.now() / 1000) - 2 * 86400;
  return () => {
    const from = next;
    next += 10;
    return Array.from({ length: 100 }, (_, i) =>
      reading(`bench-batch-${i % 10}`, from + Math.floor(i / 10)),
    );
  };
}

async function batchPart(server) {
  const url = `${server.url}/api/readings/batch`;
  const ours = await cannon(url, backlog(), 16);
  batchRow('HTTP batch ingest', '100 documents a request, 16 connections', ours, true);
  // The same 100 readings in every request: each commit lands on the same 100 (device, time)
  // places of every index, the worst case for the pages a commit writes.
  const now = Math.floor(Date.now() / 1000);
  const same = Array.from({ length: 100 }, (_, i) => reading(`bench-batch-${i % 10}`, now - i));
  const stress = await cannon(url, same, 16);
  batchRow('HTTP batch ingest (stress)', 'the same 100 documents in every request', stress, false);
}

function batchRow(path, load, result, target) {
  const perSecond = result.perSecond * 100;
  row(
    path,
    load,
    `${fmt(perSecond)} readings/s committed, p99 ${result.p99} ms${result.failed ? `, ${result.failed} failed` : ''}`,
    '',
    target ? '≥ 40,000 readings/s' : 'reported only',
    target ? perSecond >= 40000 && result.failed === 0 : undefined,
  );
}

/** One device on the line protocol: PersonEntered, wait for OK, again, until the deadline. */
function tcpDevice(port, deadline) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let answered = 0;
    let buffer = '';
    socket.setNoDelay(true);
    socket.on('connect', () => socket.write('PersonEntered\n'));
    socket.on('data', (chunk) => {
      buffer += chunk;
      let end;
      while ((end = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 1);
        if (!line.startsWith('OK ')) {
          socket.destroy();
          reject(new Error(`TCP answer ${line}`));
          return;
        }
        answered++;
        if (Date.now() < deadline) {
          socket.write('PersonEntered\n');
        } else {
          socket.end();
        }
      }
    });
    socket.on('close', () => resolve(answered));
    socket.on('error', reject);
  });
}

async function tcpPart(server) {
  const before = (await getJson(`${server.url}/api/occupancy`)).occupancy;
  const started = Date.now();
  const deadline = started + seconds * 1000;
  const counts = await Promise.all(
    Array.from({ length: 200 }, () => tcpDevice(server.tcpPort, deadline)),
  );
  const elapsed = (Date.now() - started) / 1000;
  const total = counts.reduce((a, b) => a + b, 0);
  const after = (await getJson(`${server.url}/api/occupancy`)).occupancy;
  const exact = after - before === total;
  server.tcpCommands = total;
  row(
    'TCP commands',
    '200 connections, one command in flight each',
    `${fmt(total / elapsed)} commands/s; occupancy ${exact ? 'exact' : `WRONG (${after - before} for ${total})`}`,
    '',
    '≥ 20,000 commands/s, occupancy exact, every command logged',
    total / elapsed >= 20000 && exact,
  );
}

async function mqttPart(server) {
  const inflight = 50;
  const deadline = Date.now() + seconds * 1000;
  const started = Date.now();
  const gateways = await Promise.all(
    Array.from({ length: 20 }, (_, g) =>
      mqtt.connectAsync(`mqtt://127.0.0.1:${server.mqttPort}`, {
        reconnectPeriod: 0,
        clientId: `bench-gw-${g}`,
      }),
    ),
  );
  const acked = await Promise.all(
    gateways.map(async (client, g) => {
      let count = 0;
      const payload = JSON.stringify(reading(`bench-mqtt-${g}`, Math.floor(Date.now() / 1000)));
      const worker = async () => {
        while (Date.now() < deadline) {
          await client.publishAsync(`gateway/${g + 1}`, payload, { qos: 1 });
          count++;
        }
      };
      await Promise.all(Array.from({ length: inflight }, worker));
      await client.endAsync();
      return count;
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  const total = acked.reduce((a, b) => a + b, 0);
  server.mqttAcked = total;
  row(
    'MQTT readings, QoS 1',
    `20 gateways, ${inflight} in flight each, embedded broker`,
    `${fmt(total / elapsed)} messages/s stored (PUBACK after commit)`,
    '',
    '≥ 15,000 messages/s',
    total / elapsed >= 15000,
  );
}

/**
 * Posts `rate` readings a second for `duration` seconds; the answers, once all are in (a post
 * that failed answers status 0 and its error, counted rather than thrown at once).
 */
async function postAtRate(server, rate, duration) {
  const started = Date.now();
  const posts = [];
  let sent = 0;
  while (Date.now() - started < duration * 1000) {
    const due = Math.floor(((Date.now() - started) / 1000) * rate);
    for (; sent < due; sent++) {
      const doc = reading('bench-fanout', Date.now() / 1000, sent % 30);
      posts.push(
        post(`${server.url}/receive-json`, doc).catch((error) => ({ status: 0, body: `${error}` })),
      );
    }
    await sleep(5);
  }
  return Promise.all(posts);
}

/**
 * Posts `rate` readings a second for `seconds` while 1000 clients listen; their delay
 * percentiles. The readings of a warm-up at the same rate are left out of the count: the first
 * half second after 1000 clients connect is the server's and the clients' JIT warming up.
 */
async function fanoutAt(server, clients, rate) {
  const warmUp = await postAtRate(server, rate, WARM_UP_SECONDS);
  const stored = warmUp.filter((a) => a.status === 201);
  const lastWarmUp = Math.max(...stored.map((a) => JSON.parse(a.body).readingId ?? 0));
  for (const child of clients) {
    child.stdin.write(`reset ${lastWarmUp}\n`);
  }
  await Promise.all(clients.map((child) => child.nextLine()));
  const answers = await postAtRate(server, rate, seconds);
  await sleep(1000);
  const reports = await Promise.all(
    clients.map(async (child) => {
      child.stdin.write('report\n');
      return JSON.parse(await child.nextLine());
    }),
  );
  return {
    posted: answers.filter((a) => a.status === 201).length,
    failed: answers.filter((a) => a.status !== 201).length,
    deliveries: reports.reduce((a, r) => a + r.deliveries, 0),
    p50: Math.max(...reports.map((r) => r.p50)),
    p99: Math.max(...reports.map((r) => r.p99)),
  };
}

/** Two processes of 500 Socket.IO clients each, so the listeners do not starve each other. */
async function startClients(server) {
  return Promise.all(
    [0, 1].map(async () => {
      const child = spawnChild(process.execPath, ['bench/clients.js', server.url, '500'], {
        cwd: ROOT,
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      child.exited = once(child, 'exit');
      const lines = createInterface({ input: child.stdout });
      const waiting = [];
      const queued = [];
      lines.on('line', (line) => (waiting.length > 0 ? waiting.shift()(line) : queued.push(line)));
      child.nextLine = () =>
        queued.length > 0
          ? Promise.resolve(queued.shift())
          : new Promise((resolve) => waiting.push(resolve));
      const first = await child.nextLine();
      if (first !== 'ready') {
        throw new Error(`clients: ${first}`);
      }
      return child;
    }),
  );
}

async function fanoutPart(server) {
  for (const rate of [50, 500]) {
    const clients = await startClients(server);
    const result = await fanoutAt(server, clients, rate);
    await Promise.all(clients.map((child) => child.exited));
    const expected = result.posted * 1000;
    row(
      rate === 50 ? 'fan-out' : 'fan-out (stress)',
      `1000 Socket.IO clients, ${rate} readings/s`,
      `p50 ${fmt(result.p50)} ms, p99 ${fmt(result.p99)} ms from acceptance to delivery; ${fmt(result.deliveries)} of ${fmt(expected)} delivered${result.failed ? `; ${fmt(result.failed)} posts FAILED` : ''}`,
      '',
      rate === 50 ? 'p99 ≤ 100 ms' : 'reported only',
      rate === 50
        ? result.p99 <= 100 && result.deliveries === expected && result.failed === 0
        : undefined,
    );
  }
}

/** 1,000,000 readings of 50 devices over the last month, through the batch endpoint. */
async function seedHistory(server) {
  const devices = 50;
  const perDevice = 20000;
  const now = Math.floor(Date.now() / 1000);
  const step = (30 * 86400) / perDevice;
  const started = Date.now();
  let next = 0;
  const worker = async () => {
    for (let batch = next++; batch < (devices * perDevice) / 1000; batch = next++) {
      const docs = Array.from({ length: 1000 }, (_, i) => {
        const n = batch * 1000 + i;
        const device = n % devices;
        const k = Math.floor(n / devices);
        return reading(
          `history-${String(device).padStart(2, '0')}`,
          now - 30 * 86400 + k * step,
          5 + (k % 25),
        );
      });
      const res = await post(`${server.url}/api/readings/batch`, docs);
      if (res.status !== 201) {
        throw new Error(`seeding: ${res.status} ${res.body.slice(0, 200)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return (devices * perDevice) / ((Date.now() - started) / 1000);
}

/**
 * p50 and p99 of `times` requests one after another, after WARM_UP_SECONDS of the same, on
 * the keep-alive agent as post() uses.
 * Not fetch: undici's own work and garbage per call added milliseconds to the tail (p99 5–6 ms
 * against 1–2 ms for the same server at the same moment).
 */
async function timed(url, times) {
  // warm, as every other measurement: JIT tiers take a few thousand requests to settle
  const warm = Date.now() + WARM_UP_SECONDS * 1000;
  for (let i = 0; Date.now() < warm; i++) {
    await send(url(i), 'GET');
  }
  const delays = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    const res = await send(url(i), 'GET');
    if (res.status !== 200) {
      throw new Error(`${url(i)}: ${res.status}`);
    }
    delays.push(performance.now() - started);
  }
  return { p50: percentile(delays, 50), p99: percentile(delays, 99) };
}

async function historyPart(server) {
  const seeded = await seedHistory(server);
  // The import leaves work behind (alerts, exposure, device flushes): let it settle, and warm
  // the query path up, as any benchmark does before it measures.
  await sleep(3000);
  const now = Math.floor(Date.now() / 1000);
  const id = (i) => `history-${String(i % 50).padStart(2, '0')}`;
  const series = await timed(
    (i) =>
      `${server.url}/api/readings/series?id=${id(i)}&type=CO&from=${now - 30 * 86400}&to=${now}`,
    100,
  );
  const last = await timed((i) => `${server.url}/get-last-entity?id=${id(i)}`, 2000);
  row(
    'history: series',
    '1,000,000 readings, 50 devices, one month; one device, 300 points',
    `p50 ${fmt(series.p50, 1)} ms, p99 ${fmt(series.p99, 1)} ms (seeded at ${fmt(seeded)} readings/s)`,
    '',
    '≤ 100 ms',
    series.p99 <= 100,
  );
  row(
    'history: last entity',
    'same data',
    `p50 ${fmt(last.p50, 2)} ms, p99 ${fmt(last.p99, 2)} ms`,
    '',
    '≤ 5 ms',
    last.p99 <= 5,
  );
}

function countRows(file, sql) {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (error) => error && reject(error));
    db.get(sql, (error, result) => {
      db.close();
      return error ? reject(error) : resolve(Object.values(result)[0]);
    });
  });
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'sitewatch-bench-'));
  const database = join(dir, 'bench.sqlite');
  console.error(`sitewatch bench: ${parts.join(', ')}; ${seconds} s a part; SQLite at ${database}`);
  const started = await startNode(
    ['dist/main.js'],
    {
      DATABASE_PATH: database,
      ACTIVITY_LOG_FILE: join(dir, 'activity.txt'),
      PORT: '0',
      TCP_PORT: '0',
      MQTT_PORT: '0',
      LOG_LEVEL: 'info',
      HTTP_RATE_LIMIT: '0',
      TCP_MAX_COMMANDS_PER_SECOND: '100000',
      MAX_STREAM_CLIENTS_PER_IP: '5000',
    },
    [/listening http [\d.]+:(\d+)/, /listening tcp [\d.]+:(\d+)/, /listening mqtt [\d.]+:(\d+)/],
  );
  const server = {
    url: `http://127.0.0.1:${started.matches[0][1]}`,
    tcpPort: Number(started.matches[1][1]),
    mqttPort: Number(started.matches[2][1]),
  };
  const run = {
    http: httpPart,
    batch: batchPart,
    tcp: tcpPart,
    mqtt: mqttPart,
    fanout: fanoutPart,
    history: historyPart,
  };
  try {
    for (const part of PARTS.filter((p) => parts.includes(p))) {
      console.error(`- ${part}`);
      const workMs = timeFixedWork();
      const memoryNs = timeMemory();
      const tripUs = await timeLoopbackRoundTrip();
      const before = cpuTimes();
      await run[part](server);
      machine.push({ part, workMs, memoryNs, tripUs, ...cpuShares(before, cpuTimes()) });
      // VmHWM only grows: the part that raises it is the one that set the peak.
      console.error(`  server peak resident set so far: ${fmt(peakRssMb(started.child.pid))} MB`);
    }
    const rss = peakRssMb(started.child.pid);
    row(
      'memory',
      'all of the above',
      `server peak resident set ${fmt(rss)} MB`,
      '',
      '≤ 300 MB',
      rss <= 300,
    );
  } finally {
    await started.stop();
    agent.destroy();
  }
  if (server.tcpCommands !== undefined) {
    const logged = await countRows(
      database,
      `SELECT COUNT(*) FROM activity_log WHERE command = 'PersonEntered'`,
    );
    const ok = logged === server.tcpCommands;
    const tcpRow = rows.find((r) => r.path === 'TCP commands');
    tcpRow.result += `; ${fmt(logged)} of ${fmt(server.tcpCommands)} logged`;
    tcpRow.ok = tcpRow.ok && ok;
  }
  if (server.mqttAcked !== undefined) {
    const stored = await countRows(
      database,
      `SELECT COUNT(*) FROM sensor_data WHERE source = 'mqtt'`,
    );
    const mqttRow = rows.find((r) => r.path === 'MQTT readings, QoS 1');
    mqttRow.result += `; ${fmt(stored)} stored for ${fmt(server.mqttAcked)} acknowledged`;
    mqttRow.ok = mqttRow.ok && stored >= server.mqttAcked;
  }
  if (!options.keep) {
    rmSync(dir, { recursive: true, force: true });
  }
  print();
}

function print() {
  const lines = [
    '| path | load | result | floor | target | met |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.path} | ${r.load} | ${r.result} | ${r.floor || '—'} | ${r.target} | ${r.ok === undefined ? '—' : r.ok ? 'yes' : 'no'} |`,
    ),
  ];
  console.log(lines.join('\n'));
  if (machine.length > 0) {
    const first = machine[0].workMs;
    const machineLines = machine.map(
      (m) =>
        `| ${m.part} | ${fmt((100 * first) / m.workMs)} % | ${fmt(m.memoryNs)} ns | ${fmt(m.tripUs, 1)} µs | ${fmt(m.busy)} % | ${fmt(m.steal, 1)} % |`,
    );
    console.log(
      [
        '',
        `| part | hashing speed before (100 % = ${fmt(first, 1)} ms) | memory step before | loopback round trip before | CPUs busy during | steal during |`,
        '|---|---|---|---|---|---|',
        ...machineLines,
      ].join('\n'),
    );
  }
}

await main();
