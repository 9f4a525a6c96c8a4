// npm run simulate -- [--url http://127.0.0.1:8000] [--tcp 127.0.0.1:12345] [--mqtt mqtt://127.0.0.1:1883]
//                     [--prefix gateway] [--seconds 120] [--token-file tokens.json]
// Simulated devices of every kind against a running sitewatch, so every part of the pages moves:
// gas handhelds posting JSON, an entry system and a safety system on TCP, MQTT gateways with
// several sensors (gateway 3 goes quiet after a third of the run). Stops by itself.
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
  const res = await fetch(`${options.url}/receive-json`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(doc) });
  if (res.status !== 201) {
    log(`${device.id}: HTTP ${res.status} ${await res.text()}`);
  }
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
    socket.write(`HELLO ${name}\n`);
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

// ---- gateways over MQTT ----
const gateways = [
  { number: 1, sensors: ['living room temp', 'front door', 'hall motion'] },
  { number: 2, sensors: ['kitchen co', 'garage door'] },
  { number: 3, sensors: ['attic humidity', 'attic motion'], quietAfter: Date.now() + (seconds * 1000) / 3 },
];
const client = mqtt.connect(options.mqtt, { reconnectPeriod: 2000 });
client.on('error', (error) => log(`mqtt: ${error.message}`));
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
    client.publish(topic, JSON.stringify(payload), { qos: 1 });
  }
});

log(`simulating for ${seconds} s against ${options.url}, TCP ${options.tcp}, MQTT ${options.mqtt}`);
setTimeout(() => {
  timers.forEach(clearInterval);
  entry.end();
  safety.end();
  client.end();
  log('done');
}, seconds * 1000);
