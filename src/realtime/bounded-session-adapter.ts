import type { Namespace } from 'socket.io';
import { type BroadcastOptions, SessionAwareAdapter } from 'socket.io-adapter';
import { oneBufferFrames } from './one-buffer-frames.js';

/** Broadcasts kept for connection state recovery at most (without Redis). */
export const MAX_RECOVERY_PACKETS = 20000;

/**
 * Socket.IO's in-memory recovery keeps every broadcast for RECOVERY_SECONDS and sweeps them
 * once a minute: at thousands of readings a second that is hundreds of thousands of packets
 * held in memory. This keeps the newest MAX_RECOVERY_PACKETS (at 50 readings a second, over
 * six minutes' worth); a client away longer than they reach is told it was not recovered
 * and reloads from the API, as after RECOVERY_SECONDS.
 */
export class BoundedSessionAdapter extends SessionAwareAdapter {
  constructor(nsp: Namespace) {
    super(nsp);
    oneBufferFrames(this);
  }

  /**
   * Whether a broadcast now could reach anyone: a client connected, or one away that may come
   * back and resume. A new client has nothing to resume from, so without either a broadcast
   * is neither encoded nor kept, and the gateway need not even build it.
   */
  hasAudience(): boolean {
    const sessions = (this as unknown as { sessions: Map<unknown, unknown> }).sessions;
    return this.nsp.sockets.size > 0 || sessions.size > 0;
  }

  override broadcast(packet: unknown, opts: BroadcastOptions): void {
    if (!this.hasAudience()) {
      return;
    }
    super.broadcast(packet, opts);
    // `packets` is the adapter's own buffer, oldest first
    const packets = (this as unknown as { packets: unknown[] }).packets;
    if (packets.length > MAX_RECOVERY_PACKETS) {
      // drop a tenth at once, so the cost of the splice is shared by many broadcasts
      packets.splice(0, packets.length - Math.floor(MAX_RECOVERY_PACKETS * 0.9));
    }
  }
}
