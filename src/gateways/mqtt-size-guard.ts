import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';

/**
 * Reads MQTT fixed headers as bytes stream by and reports the first packet whose remaining
 * length exceeds the limit, before the broker buffers any of it. Pure: bytes in, verdict out.
 */
export class PacketSizeReader {
  private state: 'type' | 'length' | 'body' = 'type';
  private length = 0;
  private multiplier = 1;
  private remaining = 0;

  constructor(private readonly maxRemainingLength: number) {}

  /** The remaining length of an oversized (or malformed) packet in `chunk`, or null. */
  feed(chunk: Buffer): number | null {
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'body') {
        const skip = Math.min(this.remaining, chunk.length - i);
        this.remaining -= skip;
        i += skip;
        if (this.remaining === 0) {
          this.state = 'type';
        }
      } else if (this.state === 'type') {
        this.state = 'length';
        this.length = 0;
        this.multiplier = 1;
        i++;
      } else {
        const byte = chunk[i++];
        this.length += (byte & 0x7f) * this.multiplier;
        this.multiplier *= 128;
        if (this.length > this.maxRemainingLength || this.multiplier > 128 ** 4) {
          return this.length;
        }
        if ((byte & 0x80) === 0) {
          this.remaining = this.length;
          this.state = this.remaining === 0 ? 'type' : 'body';
        }
      }
    }
    return null;
  }
}

/**
 * The broker's view of a socket, with oversized packets stopped at the door: the connection
 * is closed as soon as a header announces more than the limit, so no client can make the
 * broker hold a large packet in memory.
 */
export class SizeGuardedConnection extends Duplex {
  private readonly sizes: PacketSizeReader;

  constructor(
    private readonly socket: Socket,
    maxRemainingLength: number,
    onOversized: (length: number) => void,
  ) {
    super();
    this.sizes = new PacketSizeReader(maxRemainingLength);
    socket.on('data', (chunk: Buffer) => {
      const oversized = this.sizes.feed(chunk);
      if (oversized !== null) {
        onOversized(oversized);
        socket.destroy();
        return;
      }
      if (!this.push(chunk)) {
        socket.pause();
      }
    });
    socket.on('end', () => this.push(null));
    socket.on('error', (error) => this.destroy(error));
    socket.on('close', () => this.destroy());
  }

  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    this.socket.write(chunk, callback);
  }

  override _final(callback: () => void): void {
    this.socket.end(callback);
  }

  override _destroy(error: Error | null, callback: (error: Error | null) => void): void {
    this.socket.destroy();
    callback(error);
  }
}
