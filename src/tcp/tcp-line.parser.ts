import { CONTROL_CHARACTERS, isDeviceId } from '../common/text.js';

/** Longest line accepted, line ending not counted. */
export const MAX_LINE_BYTES = 1024;

export type LineResult = { ok: true; line: string } | { ok: false; reason: string };

/**
 * Splits a byte stream into lines (`\n` or `\r\n`). Memory stays bounded: more than
 * MAX_LINE_BYTES without a line ending is an error at once, not a growing buffer.
 */
/** Nothing pending; shared, since nothing writes into it. */
const NONE = Buffer.alloc(0);

export class LineSplitter {
  private pending: Buffer = NONE;

  /** Lines completed by `chunk`, in order; an error result ends the list (close the connection). */
  feed(chunk: Buffer): LineResult[] {
    const data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    const results: LineResult[] = [];
    let start = 0;
    for (let end = data.indexOf(0x0a, start); end >= 0; end = data.indexOf(0x0a, start)) {
      const result = decodeLine(
        data.subarray(start, end > start && data[end - 1] === 0x0d ? end - 1 : end),
      );
      start = end + 1;
      if (result !== null) {
        results.push(result);
        if (!result.ok) {
          this.pending = NONE;
          return results;
        }
      }
    }
    // a copy, so the chunk is not kept alive by a few bytes of it; none in the usual case
    this.pending = start === data.length ? NONE : Buffer.from(data.subarray(start));
    // One byte of slack for a `\r` whose `\n` is still to come.
    if (this.pending.length > MAX_LINE_BYTES + 1) {
      this.pending = NONE;
      results.push({ ok: false, reason: `line over ${MAX_LINE_BYTES} bytes` });
    }
    return results;
  }

  /** Bytes received without a line ending (a bare command), taken as a line; null when none. */
  takeRest(): LineResult | null {
    const rest = this.pending;
    this.pending = NONE;
    return rest.length === 0
      ? null
      : decodeLine(rest[rest.length - 1] === 0x0d ? rest.subarray(0, -1) : rest);
  }

  get hasPending(): boolean {
    return this.pending.length > 0;
  }
}

/** A line as text; null for a blank line, which is not a command and gets no answer. */
function decodeLine(bytes: Buffer): LineResult | null {
  if (bytes.length > MAX_LINE_BYTES) {
    return { ok: false, reason: `line over ${MAX_LINE_BYTES} bytes` };
  }
  const line = bytes.toString('utf8');
  if (CONTROL_CHARACTERS.test(line)) {
    return { ok: false, reason: 'control characters in line' };
  }
  return line.trim() === '' ? null : { ok: true, line };
}

export type FacilityCommandName =
  'SafetySystem_Active' | 'EntrySystem_Active' | 'PersonEntered' | 'PersonExited';

export type TcpCommand =
  | { kind: 'facility'; name: FacilityCommandName }
  | { kind: 'hello'; deviceId: string; token?: string }
  | { kind: 'ping' }
  | { kind: 'invalid'; reason: string };

const FACILITY_COMMANDS = new Set<string>([
  'SafetySystem_Active',
  'EntrySystem_Active',
  'PersonEntered',
  'PersonExited',
]);

/** One line as a command; never throws. */
export function parseCommand(line: string): TcpCommand {
  const words = line.trim().split(/ +/);
  const [name, ...args] = words;
  if (FACILITY_COMMANDS.has(name) || name === 'PING') {
    if (args.length > 0) {
      return { kind: 'invalid', reason: `${name} takes no arguments` };
    }
    return name === 'PING'
      ? { kind: 'ping' }
      : { kind: 'facility', name: name as FacilityCommandName };
  }
  if (name === 'HELLO') {
    const [deviceId, token] = args;
    if (args.length < 1 || args.length > 2 || !isDeviceId(deviceId)) {
      return { kind: 'invalid', reason: 'usage: HELLO <device-id> [token]' };
    }
    return token === undefined ? { kind: 'hello', deviceId } : { kind: 'hello', deviceId, token };
  }
  return { kind: 'invalid', reason: `unknown command ${name.slice(0, 32)}` };
}
