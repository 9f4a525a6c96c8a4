import net from 'node:net';
import { once } from 'node:events';

/** A device on the TCP adapter: sends lines, collects answer lines, notices the close. */
export class TcpClient {
  readonly lines: string[] = [];
  closed = false;
  private buffer = '';

  private constructor(readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      let end: number;
      while ((end = this.buffer.indexOf('\n')) >= 0) {
        this.lines.push(this.buffer.slice(0, end));
        this.buffer = this.buffer.slice(end + 1);
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => (this.closed = true));
  }

  static async connect(port: number): Promise<TcpClient> {
    const socket = net.connect(port, '127.0.0.1');
    await once(socket, 'connect');
    return new TcpClient(socket);
  }

  /** Writes raw text and waits until `answers` more lines have arrived. */
  async send(text: string | Buffer, answers = 1, ms = 10000): Promise<string[]> {
    const before = this.lines.length;
    this.socket.write(text);
    await this.waitFor(() => this.lines.length >= before + answers, ms);
    return this.lines.slice(before, before + answers);
  }

  async waitFor(check: () => boolean, ms = 3000): Promise<void> {
    const end = Date.now() + ms;
    while (!check()) {
      if (Date.now() > end) {
        throw new Error(`no answer within ${ms} ms; got ${JSON.stringify(this.lines)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  async waitClosed(ms = 3000): Promise<void> {
    await this.waitFor(() => this.closed, ms);
  }

  close(): void {
    this.socket.destroy();
  }
}

/**
 * Each device sends `PersonEntered`, one at a time (up to 40 each), until it has sent two after
 * `act` finished; `act` starts once 50 commands were answered, so it lands among them. For
 * tests that an action on the count is exact while devices keep sending.
 */
export async function enterAround(
  devices: TcpClient[],
  act: () => Promise<unknown>,
): Promise<void> {
  let answered = 0;
  let acted: Promise<unknown> | undefined;
  let done = false;
  await Promise.all(
    devices.map(async (device) => {
      let after = 0;
      for (let sent = 0; sent < 40 && after < 2; sent++) {
        after += done ? 1 : 0;
        await device.send('PersonEntered\n');
        if (++answered === 50) {
          acted = act().finally(() => (done = true));
        }
      }
    }),
  );
  await acted;
}
