import { io, type Socket } from 'socket.io-client';
import request from 'supertest';
import { readingDoc } from './helpers/readings.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { until } from './helpers/wait.js';

/** A client whose own reconnection waits `ms`, so a test can hold it away that long. */
function connect(url: string, ms: number, auth: Record<string, unknown> = {}): Socket {
  return io(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnectionDelay: ms,
    reconnectionDelayMax: ms,
    randomizationFactor: 0,
    auth,
  });
}

/** Drops the connection as a network failure would: the server keeps the session. */
function cut(socket: Socket): void {
  socket.io.engine.close();
}

describe('Socket.IO connection state recovery (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ recoverySeconds: 30 });
  });
  afterAll(() => t.close());

  it('gives a client cut off for 10 s every update_data it missed, in order, before new ones', async () => {
    const socket = connect(t.url, 10000);
    const received: number[] = [];
    socket.on('update_data', (reading: { ts: number }) => received.push(reading.ts));
    try {
      await until(() => socket.connected, 3000, 'connected');
      await request(t.url)
        .post('/receive-json')
        .send(readingDoc({ ts: 1_700_000_000 }))
        .expect(201);
      await until(() => received.length === 1, 3000, 'the first reading');

      cut(socket);
      await until(() => !socket.connected, 3000, 'the cut');
      const missed = Array.from({ length: 30 }, (_, i) => 1_700_000_001 + i);
      for (const ts of missed) {
        await request(t.url).post('/receive-json').send(readingDoc({ ts })).expect(201);
      }
      expect(received).toEqual([1_700_000_000]);

      await until(() => socket.connected, 15000, 'the reconnection after 10 s');
      expect(socket.recovered).toBe(true);
      await until(() => received.length === 31, 3000, 'the missed readings');
      await request(t.url)
        .post('/receive-json')
        .send(readingDoc({ ts: 1_700_001_000 }))
        .expect(201);
      await until(() => received.length === 32, 3000, 'the next live reading');
      expect(received).toEqual([1_700_000_000, ...missed, 1_700_001_000]);
    } finally {
      socket.close();
    }
  }, 30000);

  it('keeps a recovered client on the device it subscribed to', async () => {
    const socket = connect(t.url, 500);
    const ids: string[] = [];
    socket.on('update_data', (reading: { id: string }) => ids.push(reading.id));
    try {
      await until(() => socket.connected, 3000, 'connected');
      expect(await socket.emitWithAck('subscribe', { deviceId: 'mine' })).toEqual({ ok: true });
      // Socket.IO resumes from the last packet a client got: it needs to have had one
      await request(t.url)
        .post('/receive-json')
        .send(readingDoc({ id: 'mine', ts: 1_700_000_100 }))
        .expect(201);
      await until(() => ids.length === 1, 3000, 'a first reading');
      cut(socket);
      await until(() => !socket.connected, 3000, 'the cut');
      await request(t.url)
        .post('/receive-json')
        .send(readingDoc({ id: 'other' }))
        .expect(201);
      await request(t.url)
        .post('/receive-json')
        .send(readingDoc({ id: 'mine' }))
        .expect(201);
      await until(() => socket.connected, 5000, 'back');
      expect(socket.recovered).toBe(true);
      await request(t.url)
        .post('/receive-json')
        .send(readingDoc({ id: 'other', ts: 1_700_000_500 }))
        .expect(201);
      await request(t.url)
        .post('/receive-json')
        .send(readingDoc({ id: 'mine', ts: 1_700_000_500 }))
        .expect(201);
      await until(() => ids.length === 3, 3000, 'its readings');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(ids).toEqual(['mine', 'mine', 'mine']);
    } finally {
      socket.close();
    }
  });
});

describe('past RECOVERY_SECONDS (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ recoverySeconds: 1 });
  });
  afterAll(() => t.close());

  it('tells the client it was not recovered, so it reloads from the HTTP API', async () => {
    const socket = connect(t.url, 2500);
    let got = 0;
    socket.on('update_data', () => got++);
    try {
      await until(() => socket.connected, 3000, 'connected');
      await request(t.url).post('/receive-json').send(readingDoc()).expect(201);
      await until(() => got === 1, 3000, 'a reading, so it has something to resume from');
      cut(socket);
      await until(() => socket.connected, 6000, 'back after 2.5 s');
      expect(socket.recovered).toBe(false);
    } finally {
      socket.close();
    }
  });
});
