import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo, Socket as NetSocket } from 'node:net';
import { Server, type Socket } from 'socket.io';
import { io as connect } from 'socket.io-client';
import { BoundedSessionAdapter } from './bounded-session-adapter.js';

/** The TCP socket under a server-side Socket.IO connection on the websocket transport. */
function rawSocket(socket: Socket): NetSocket {
  return (socket.conn.transport as unknown as { socket: { _socket: NetSocket } }).socket._socket;
}

describe('oneBufferFrames', () => {
  it('writes each broadcast to a client as one buffer, which the client reads whole', async () => {
    const http = createServer();
    const server = new Server(http, {
      adapter: BoundedSessionAdapter as never,
      connectionStateRecovery: { maxDisconnectionDuration: 120000 },
    });
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    const { port } = http.address() as AddressInfo;
    const client = connect(`http://127.0.0.1:${port}`, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    try {
      const [socket] = (await once(server, 'connection')) as [Socket];
      await new Promise((resolve) => client.once('connect', () => resolve(undefined)));
      const raw = rawSocket(socket);
      const writes: unknown[] = [];
      let corked = 0;
      const write = raw.write.bind(raw) as (...args: unknown[]) => boolean;
      const cork = raw.cork.bind(raw);
      raw.write = ((...args: unknown[]) => {
        writes.push(args[0]);
        return write(...args);
      }) as NetSocket['write'];
      raw.cork = () => {
        corked++;
        cork();
      };
      // payloads whose frame headers carry a 7-bit, a 16-bit and a 64-bit length
      const texts = [10, 300, 70000].map((size) => 'é'.repeat(size));
      for (const text of texts) {
        const received = new Promise((resolve) => client.once('update_data', resolve));
        server.emit('update_data', { text });
        expect(await received).toEqual({ text });
      }
      expect(writes).toHaveLength(texts.length);
      expect(writes.every((chunk) => Buffer.isBuffer(chunk))).toBe(true);
      expect(corked).toBe(0);
    } finally {
      client.close();
      await server.close();
    }
  });
});
