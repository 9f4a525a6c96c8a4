// npm run simulate -- [--url http://127.0.0.1:8000] [--tcp 127.0.0.1:12345] [--mqtt mqtt://127.0.0.1:1883]
//                     [--prefix gateway] [--seconds 120] [--api-key KEY]
// Simulated devices of every kind against a running sitewatch, so every part of the pages moves:
// gas handhelds posting JSON, an entry system and a safety system on TCP, MQTT gateways with
// several sensors (gateway 3 goes quiet after a third of the run). Stops by itself.
// Against a server in token mode give --api-key: the simulated devices are registered through
// the admin API (their old tokens revoked) and use their new tokens on every channel.
import mqtt from 'mqtt';
import net from 'node:net';
import { parseArgs } from 'node:util';

const { values: options } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:8000' },
    tcp: { type: 'string', default: '127.0.0.1:12345' },
    mqtt: { type: 'string', default: 'mqtt://127.0.0.1:1883' },
    prefix: { type: 'string', default: 'gateway' },
    seconds: { type: 'string', default: '120' },
    'api-key': { type: 'string' },
  },
});
const seconds = Number(options.seconds);
if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 86400) {
  process.stderr.write('simulate: --seconds must be a number of seconds from 1 to 86400\n');
  process.exit(2);
}
const stopAt = Date.now() + seconds * 1000;
const timers = [];
const log = (line) => process.stdout.write(`${new Date().toLocaleTimeString()} ${line}\n`);
const every = (ms, task) => timers.push(setInterval(() => Date.now() < stopAt && task(), ms));
const wobble = (base, spread) => Math.max(0, base + (Math.random() - 0.5) * 2 * spread);
const now = () => Date.now() / 1000;

// ---- token mode: a fresh token for every simulated device ----
const apiKey = options['api-key'];
const tokens = new Map();
async function register(id, kind, gateway) {
  const headers = { 'X-API-Key': apiKey, 'Content-Type': 'application/json' };
  await fetch(`${options.url}/api/devices/${encodeURIComponent(id)}/token`, { method: 'DELETE', headers });
  const res = await fetch(`${options.url}/api/devices`, { method: 'POST', headers, body: JSON.stringify({ id, kind, gateway }) });
  if (res.status !== 201) {
    process.stderr.write(`simulate: registering ${id} failed: HTTP ${res.status} ${await res.text()}\n`);
    process.exit(1);
  }
  tokens.set(id, (await res.json()).token);
}

// ---- gas handhelds over HTTP ----
const handhelds = [
  { id: 'handheld 1', battery: 96 },
  { id: 'handheld 2', battery: 41 },
  { id: 'handheld 3', battery: 23 },
];
async function postReading(device, tick) {
  // handheld 2 walks into a CO pocket now and then
  const co = device.id === 'handheld 2' && tick % 20 > 14 ? wobble(60, 20) : wobble(4, 3);
  device.battery = Math.max(5, device.battery - 0.05);
  const doc = {
    id: device.id,
    ts: now(),
    pct: Math.round(device.battery),
    sensors: [
      { type: 'CO', val: Number(co.toFixed(1)) },
      { type: 'H2S', val: Number(wobble(0.5, 0.5).toFixed(2)) },
      { type: 'CH4', val: Math.round(wobble(300, 200)) },
      { type: 'O2', val: Number(wobble(20.9, 0.1).toFixed(2)) },
    ],
  };
  const headers = { 'Content-Type': 'application/json' };
  if (tokens.has(device.id)) {
    headers.Authorization = `Bearer ${tokens.get(device.id)}`;
  }
  const res = await fetch(`${options.url}/receive-json`, { method: 'POST', headers, body: JSON.stringify(doc) });
  if (res.status !== 201) {
    log(`${device.id}: HTTP ${res.status} ${await res.text()}`);
  }
}
const gateways = [
  { number: 1, sensors: ['living room temp', 'front door', 'hall motion'] },
  { number: 2, sensors: ['kitchen co', 'garage door'] },
  { number: 3, sensors: ['attic humidity', 'attic motion'], quietAfter: Date.now() + (seconds * 1000) / 3 },
];
const gatewayId = (gateway) => `gateway-${gateway.number}`;
if (apiKey) {
  await Promise.all([
    ...handhelds.map((device) => register(device.id, 'handheld')),
    register('entry-east', 'facility'),
    register('safety-main', 'facility'),
    ...gateways.map((gateway) => register(gatewayId(gateway), 'gateway', gateway.number)),
  ]);
  log(`registered ${tokens.size} devices with fresh tokens`);
}

let tick = 0;
every(2000, () => {
  tick++;
  handhelds.forEach((device) => postReading(device, tick).catch((error) => log(`${device.id}: ${error.message}`)));
});

// ---- entry and safety systems over TCP ----
const [tcpHost, tcpPort] = options.tcp.split(':');
function tcpDevice(name, onReady) {
  const socket = net.connect(Number(tcpPort), tcpHost, () => {
    socket.write(tokens.has(name) ? `HELLO ${name} ${tokens.get(name)}\n` : `HELLO ${name}\n`);
    onReady(socket);
  });
  socket.setEncoding('utf8');
  socket.on('data', (text) => text.split('\n').filter(Boolean).forEach((line) => line.startsWith('ERR') && log(`${name}: ${line}`)));
  socket.on('error', (error) => log(`${name}: ${error.message}`));
  return socket;
}
let inside = 0;
const entry = tcpDevice('entry-east', (socket) => {
  socket.write('EntrySystem_Active\n');
  every(1500, () => {
    const enter = inside < 5 || Math.random() < 0.55;
    inside += enter ? 1 : -1;
    socket.write(enter ? 'PersonEntered\n' : 'PersonExited\n');
  });
});
const safety = tcpDevice('safety-main', (socket) => every(20000, () => socket.write('PING\n')));

// ---- gateways over MQTT, one connection each (in token mode each has its own credentials) ----
for (const gateway of gateways) {
  const id = gatewayId(gateway);
  gateway.client = mqtt.connect(options.mqtt, {
    reconnectPeriod: 2000,
    ...(tokens.has(id) ? { username: id, password: tokens.get(id) } : {}),
  });
  gateway.client.on('error', (error) => log(`${id}: ${error.message}`));
}
every(3000, () => {
  for (const gateway of gateways) {
    if (gateway.quietAfter && Date.now() > gateway.quietAfter) {
      continue;
    }
    const sensor = gateway.sensors[Math.floor(Math.random() * gateway.sensors.length)];
    const topic = `${options.prefix}/${gateway.number}`;
    const payload =
      sensor === 'kitchen co'
        ? { id: sensor, ts: now(), sensors: [{ type: 'CO', val: Number(wobble(3, 2).toFixed(1)) }] }
        : sensor.endsWith('temp')
          ? { id: sensor, ts: now(), sensors: [{ type: 'TEMP', val: Number(wobble(21, 1).toFixed(1)) }] }
          : { id: sensor, state: Math.random() < 0.5 ? 'on' : 'off' };
    gateway.client.publish(topic, JSON.stringify(payload), { qos: 1 });
  }
});

log(`simulating for ${seconds} s against ${options.url}, TCP ${options.tcp}, MQTT ${options.mqtt}`);
setTimeout(() => {
  timers.forEach(clearInterval);
  entry.end();
  safety.end();
  gateways.forEach((gateway) => gateway.client.end());
  log('done');
}, seconds * 1000);
