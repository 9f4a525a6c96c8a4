import { Logger } from '@nestjs/common';
import type { DeviceCredential } from '../auth/device-credentials.js';
import type { Socket } from 'node:net';
import { type LineResult, LineSplitter, parseCommand, type TcpCommand } from './tcp-line.parser.js';

/** A device's line waits this long for more bytes before it is taken as a bare command. */
export const BARE_COMMAND_MS = 100;

export interface ConnectionLimits {
  maxCommandsPerSecond: number;
  idleSeconds: number;
}

/** What a connection asks of the adapter: the answer to one command, and its end. */
export interface CommandHandler {
  handle(command: TcpCommand, connection: TcpConnection): Promise<string>;
  rejected(connection: TcpConnection, reason: string): void;
  closed(connection: TcpConnection): void;
}

/**
 * One device connection: lines in, one answer line per command out, in order. Commands are
 * started as they arrive (so a busy device's commands share group commits) and answered in
 * arrival order. A protocol violation (long line, control bytes, flood) gets `ERR` and the
 * connection is closed; anything else keeps it open.
 */
export class TcpConnection {
  private readonly logger = new Logger(TcpConnection.name);
  private readonly splitter = new LineSplitter();
  private answers: Promise<void> = Promise.resolve();
  private bareTimer?: NodeJS.Timeout;
  private windowStart = 0;
  private windowCount = 0;
  private closing = false;
  deviceId: string | null = null;
  /** Token mode: the device the last HELLO proved, if any; commands wait for it in order. */
  authenticated: Promise<DeviceCredential | null> = Promise.resolve(null);
  readonly remote: string;

  constructor(
    readonly socket: Socket,
    private readonly handler: CommandHandler,
    private readonly limits: ConnectionLimits,
  ) {
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`;
    socket.setNoDelay(true);
    if (limits.idleSeconds > 0) {
      socket.setTimeout(limits.idleSeconds * 1000, () =>
        this.fail(`idle for ${limits.idleSeconds} s`),
      );
    }
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    // A clean end may carry a bare command without a line ending (`printf PersonEntered | nc`).
    socket.on('end', () => {
      this.takeBareCommand();
      void this.answers.then(() => socket.end());
    });
    socket.on('error', (error) => this.logger.debug(`${this.remote}: ${error.message}`));
    socket.on('close', () => {
      clearTimeout(this.bareTimer);
      this.closing = true;
      this.handler.closed(this);
    });
  }

  private receive(chunk: Buffer): void {
    if (this.closing) {
      return;
    }
    clearTimeout(this.bareTimer);
    for (const result of this.splitter.feed(chunk)) {
      this.take(result);
    }
    if (this.splitter.hasPending && !this.closing) {
      this.bareTimer = setTimeout(() => this.takeBareCommand(), BARE_COMMAND_MS);
    }
  }

  private takeBareCommand(): void {
    clearTimeout(this.bareTimer);
    const rest = this.splitter.takeRest();
    if (rest && !this.closing) {
      this.take(rest);
    }
  }

  private take(result: LineResult): void {
    if (this.closing) {
      return;
    }
    if (!result.ok) {
      this.fail(result.reason);
      return;
    }
    if (!this.withinRate()) {
      this.fail(`over ${this.limits.maxCommandsPerSecond} commands a second`);
      return;
    }
    const command = parseCommand(result.line);
    if (command.kind === 'invalid') {
      this.handler.rejected(this, command.reason);
    }
    const answer = this.handler.handle(command, this);
    this.answers = this.answers.then(async () => this.write(await answer));
  }

  private withinRate(): boolean {
    const now = Date.now();
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.windowCount = 0;
    }
    return ++this.windowCount <= this.limits.maxCommandsPerSecond;
  }

  /** Answers `ERR <reason>` after the answers already due, then closes. */
  fail(reason: string): void {
    if (this.closing) {
      return;
    }
    this.closing = true;
    this.handler.rejected(this, reason);
    this.logger.warn(
      `Closed ${this.remote}${this.deviceId ? ` (${this.deviceId})` : ''}: ${reason}`,
    );
    this.answers = this.answers.then(() => {
      this.write(`ERR ${reason}`);
      this.socket.end();
    });
  }

  get ending(): boolean {
    return this.closing;
  }

  /** Closes after the answers already due (the caller's included), reading nothing more. */
  endAfterAnswers(reason: string): void {
    if (this.closing) {
      return;
    }
    this.closing = true;
    this.logger.warn(`Closed ${this.remote}: ${reason}`);
    this.answers = this.answers.then(() => {
      this.socket.end();
    });
  }

  private write(line: string): void {
    if (this.socket.writable) {
      this.socket.write(`${line}\n`);
    }
  }
}
