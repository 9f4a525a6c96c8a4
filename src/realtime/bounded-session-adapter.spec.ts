import { Server } from 'socket.io';
import { BoundedSessionAdapter, MAX_RECOVERY_PACKETS } from './bounded-session-adapter.js';

describe(BoundedSessionAdapter.name, () => {
  it('keeps nothing while no client is connected or away', () => {
    const io = new Server({
      adapter: BoundedSessionAdapter as never,
      connectionStateRecovery: { maxDisconnectionDuration: 120000 },
    });
    try {
      io.emit('update_data', { n: 1 });
      const adapter = io.of('/').adapter as unknown as { packets: unknown[] };
      expect(adapter.packets).toEqual([]);
    } finally {
      void io.of('/').adapter.close();
      io.removeAllListeners();
    }
  });

  it('keeps at most MAX_RECOVERY_PACKETS broadcasts, the newest, in order', () => {
    const io = new Server({
      adapter: BoundedSessionAdapter as never,
      connectionStateRecovery: { maxDisconnectionDuration: 120000 },
    });
    try {
      // a client away that could come back: what is broadcast now is kept for it
      (io.of('/').adapter as unknown as { persistSession(session: object): void }).persistSession({
        sid: 'away',
        pid: 'away',
        rooms: [],
        data: {},
      });
      const total = MAX_RECOVERY_PACKETS + 5001;
      for (let i = 0; i < total; i++) {
        io.emit('update_data', { n: i });
      }
      const packets = (io.of('/').adapter as unknown as { packets: { data: unknown[] }[] }).packets;
      expect(packets.length).toBeLessThanOrEqual(MAX_RECOVERY_PACKETS);
      expect(packets.length).toBeGreaterThanOrEqual(MAX_RECOVERY_PACKETS * 0.9);
      const numbers = packets.map((packet) => (packet.data[1] as { n: number }).n);
      expect(numbers.at(-1)).toBe(total - 1);
      expect(numbers).toEqual(numbers.map((_, i) => numbers[0] + i));
    } finally {
      void io.of('/').adapter.close();
      io.removeAllListeners();
    }
  });
});
