// Socket.IO clients for the fan-out part: `node bench/clients.js <url> <count>`.
// Prints `ready` once every client is connected. A `reset <readingId>` line on stdin starts the
// count over, with readings up to that id (the warm-up) left out; on a `report` line it prints
// one JSON line with the deliveries seen and the percentiles of their delay from a reading's
// acceptance (its `receivedAt`, so the figure includes the commit) to its delivery here, then
// exits.
import { createInterface } from 'node:readline';
import { io } from 'socket.io-client';
import { percentile } from './lib.js';

const [url, countText] = process.argv.slice(2);
const count = Number(countText);
const delays = [];
let after = 0;
const sockets = [];

for (let i = 0; i < count; i++) {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
  socket.on('update_data', (reading) => {
    if (reading.readingId > after) {
      delays.push(Date.now() - reading.receivedAt * 1000);
    }
  });
  sockets.push(socket);
  // open them in small groups, as a fleet of browsers would
  if (i % 50 === 49) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
const deadline = Date.now() + 30000;
while (sockets.some((socket) => !socket.connected)) {
  if (Date.now() > deadline) {
    console.error(`only ${sockets.filter((s) => s.connected).length} of ${count} connected`);
    process.exit(1);
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
}
console.log('ready');

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.startsWith('reset')) {
    delays.length = 0;
    after = Number(line.split(' ')[1] ?? 0);
    console.log('reset');
  } else if (line === 'report') {
    const stats = {
      deliveries: delays.length,
      p50: percentile(delays, 50),
      p99: percentile(delays, 99),
    };
    console.log(JSON.stringify(stats));
    sockets.forEach((socket) => socket.close());
    process.exit(0);
  }
});
