import fc from 'fast-check';
import { CONTROL_CHARACTERS } from '../common/text.js';
import {
  type LineResult,
  LineSplitter,
  MAX_LINE_BYTES,
  parseCommand,
  type TcpCommand,
} from './tcp-line.parser.js';

const OVER = { ok: false, reason: `line over ${MAX_LINE_BYTES} bytes` } as const;
const FACILITY = ['SafetySystem_Active', 'EntrySystem_Active', 'PersonEntered', 'PersonExited'];
const KINDS = ['facility', 'hello', 'ping', 'invalid'];

/** SPEC section 3 for one line without its ending: an error, nothing (blank), or the line. */
function modelLine(bytes: Buffer): LineResult | null {
  if (bytes.length > MAX_LINE_BYTES) {
    return OVER;
  }
  const line = bytes.toString('utf8');
  if (CONTROL_CHARACTERS.test(line)) {
    return { ok: false, reason: 'control characters in line' };
  }
  return line.trim() === '' ? null : { ok: true, line };
}

const withoutCr = (bytes: Buffer) =>
  bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.subarray(0, -1) : bytes;

/**
 * The whole stream read at once, independently of LineSplitter: the lines up to and including
 * the first error, and what a quiet connection then takes as a bare command ('closed' after an error).
 */
function model(stream: Buffer): { lines: LineResult[]; rest: LineResult | null | 'closed' } {
  const lines: LineResult[] = [];
  let start = 0;
  for (let end = stream.indexOf(0x0a); end >= 0; end = stream.indexOf(0x0a, start)) {
    const result = modelLine(withoutCr(stream.subarray(start, end)));
    start = end + 1;
    if (result) {
      lines.push(result);
      if (!result.ok) {
        return { lines, rest: 'closed' };
      }
    }
  }
  const tail = stream.subarray(start);
  if (tail.length > MAX_LINE_BYTES + 1) {
    return { lines: [...lines, OVER], rest: 'closed' };
  }
  return { lines, rest: modelLine(withoutCr(tail)) };
}

/** `stream` fed in pieces cut at `cuts`, as the adapter does: stop at the first error. */
function fedInPieces(stream: Buffer, cuts: number[]) {
  const points = [...new Set([0, ...cuts.map((c) => c % (stream.length + 1)), stream.length])].sort(
    (a, b) => a - b,
  );
  const splitter = new LineSplitter();
  const lines: LineResult[] = [];
  for (let i = 1; i < points.length; i++) {
    const results = splitter.feed(stream.subarray(points[i - 1], points[i]));
    lines.push(...results);
    if (results.some((result) => !result.ok)) {
      return { lines, rest: 'closed' as const };
    }
  }
  return { lines, rest: splitter.takeRest() };
}

const text = (s: string) => Buffer.from(s, 'utf8');
const lineContent = fc.oneof(
  fc.constantFrom(
    ...FACILITY,
    'PING',
    '  PersonEntered ',
    'HELLO door-1',
    'HELLO door-1 s3cret',
    '',
  ),
  fc.string({ maxLength: 40 }).map(text),
  fc.string({ maxLength: 40, unit: 'binary' }).map(text),
  fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes)),
  fc.integer({ min: MAX_LINE_BYTES - 3, max: MAX_LINE_BYTES + 3 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 1, max: 4000 }).map((n) => 'y'.repeat(n)),
);
const ending = fc.constantFrom('\n', '\r\n', '\n', '\r\n', '', '\r', '\r\r\n');
/** A byte stream of lines, commands, garbage and long runs, with assorted line endings. */
const stream = fc
  .array(fc.tuple(lineContent, ending), { maxLength: 12 })
  .map((parts) =>
    Buffer.concat(
      parts.flatMap(([content, end]) => [
        typeof content === 'string' ? text(content) : content,
        text(end),
      ]),
    ),
  );
const cuts = fc.array(fc.nat(), { maxLength: 12 });

describe(`${LineSplitter.name} properties`, () => {
  it('gives the same lines however the stream is cut into chunks', () => {
    fc.assert(
      fc.property(stream, cuts, cuts, (bytes, first, second) => {
        expect(fedInPieces(bytes, first)).toEqual(fedInPieces(bytes, second));
        expect(fedInPieces(bytes, first)).toEqual(fedInPieces(bytes, []));
      }),
      { numRuns: 400 },
    );
  });

  it('reads any stream as the spec says: lines, blank lines skipped, the first error ends it', () => {
    fc.assert(
      fc.property(stream, cuts, (bytes, at) => {
        expect(fedInPieces(bytes, at)).toEqual(model(bytes));
      }),
      { numRuns: 400 },
    );
  });

  it('splits a UTF-8 character anywhere and still gives back the text', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ minLength: 1, maxLength: 60, unit: 'grapheme' }), { maxLength: 8 }),
        cuts,
        (lines, at) => {
          const sent = lines.filter((line) => line.trim() !== '' && !CONTROL_CHARACTERS.test(line));
          const { lines: got, rest } = fedInPieces(text(sent.map((l) => `${l}\r\n`).join('')), at);
          expect(got).toEqual(sent.map((line) => ({ ok: true, line })));
          expect(rest).toBeNull();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never holds more than one line of bytes, whatever is fed, even after an error', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.uint8Array({ maxLength: 3000 }).map((b) => Buffer.from(b)),
            fc.integer({ min: 0, max: 70000 }).map((n) => Buffer.alloc(n, 0x41)),
            fc.integer({ min: 0, max: 3000 }).map((n) => Buffer.alloc(n, 0x0d)),
          ),
          { maxLength: 20 },
        ),
        (chunks) => {
          const splitter = new LineSplitter();
          for (const chunk of chunks) {
            for (const result of splitter.feed(chunk)) {
              if (result.ok) {
                expect(Buffer.byteLength(result.line)).toBeLessThanOrEqual(MAX_LINE_BYTES);
              }
            }
            const pending = (splitter as unknown as { pending: Buffer }).pending;
            expect(pending.length).toBeLessThanOrEqual(MAX_LINE_BYTES + 1);
            expect(splitter.hasPending).toBe(pending.length > 0);
          }
          splitter.takeRest();
          expect(splitter.hasPending).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses a line over 1 KiB, ended or not, as soon as it passes the limit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: MAX_LINE_BYTES + 1, max: 20000 }),
        fc.constantFrom('\n', '\r\n', ''),
        cuts,
        (length, end, at) => {
          const { lines, rest } = fedInPieces(text(`PING\n${'z'.repeat(length)}${end}PING\n`), at);
          expect(lines).toEqual([{ ok: true, line: 'PING' }, OVER]);
          expect(rest).toBe('closed');
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses a line with any control character in it', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 400 }),
        fc.constantFrom(...Array.from({ length: 32 }, (_, i) => i).filter((c) => c !== 0x0a), 0x7f),
        fc.string({ maxLength: 400 }),
        cuts,
        (before, code, after, at) => {
          const line = `${before}${String.fromCharCode(code)}${after}X`;
          const { lines } = fedInPieces(text(`${line}\n`), at);
          expect(lines).toEqual([{ ok: false, reason: 'control characters in line' }]);
        },
      ),
      { numRuns: 300 },
    );
  });
});

/** A device id that HELLO can carry: no spaces (word separators) and no edge whitespace. */
const helloWord = (maxLength: number) =>
  fc
    .string({ minLength: 1, maxLength, unit: 'binary' })
    .filter(
      (s) =>
        s.length <= maxLength && !s.includes(' ') && !CONTROL_CHARACTERS.test(s) && s.trim() === s,
    );
const spaces = fc.integer({ min: 0, max: 3 }).map((n) => ' '.repeat(n));
const gaps = fc.integer({ min: 1, max: 3 }).map((n) => ' '.repeat(n));

describe(`${parseCommand.name} properties`, () => {
  it('answers any string with one of the four kinds, and a short reason when invalid', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 2000 }), fc.string()), (line) => {
        const command: TcpCommand = parseCommand(line);
        expect(KINDS).toContain(command.kind);
        if (command.kind === 'invalid') {
          expect(command.reason.length).toBeGreaterThan(0);
          expect(command.reason.length).toBeLessThanOrEqual(100);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('ignores spaces around a line', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), spaces, spaces, (line, before, after) => {
        expect(parseCommand(`${before}${line}${after}`)).toEqual(parseCommand(line));
      }),
    );
  });

  it('reads every facility command and PING, and refuses them with arguments', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FACILITY, 'PING'),
        spaces,
        spaces,
        fc.array(helloWord(10), { maxLength: 3 }),
        gaps,
        (name, before, after, args, gap) => {
          const command = parseCommand(`${before}${[name, ...args].join(gap)}${after}`);
          if (args.length > 0) {
            expect(command).toEqual({ kind: 'invalid', reason: `${name} takes no arguments` });
          } else {
            expect(command).toEqual(
              name === 'PING' ? { kind: 'ping' } : { kind: 'facility', name },
            );
          }
        },
      ),
    );
  });

  it('gives back the device id and token of HELLO <id> [token]', () => {
    fc.assert(
      fc.property(
        helloWord(128),
        fc.option(helloWord(300), { nil: undefined }),
        spaces,
        gaps,
        gaps,
        (deviceId, token, before, gap1, gap2) => {
          const line = `${before}HELLO${gap1}${deviceId}${token === undefined ? '' : `${gap2}${token}`}`;
          expect(parseCommand(line)).toEqual(
            token === undefined ? { kind: 'hello', deviceId } : { kind: 'hello', deviceId, token },
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses HELLO without an id, with more than two words, or with an id over 128 characters', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.constant([] as string[]),
          fc.array(helloWord(10), { minLength: 3, maxLength: 6 }),
          fc
            .tuple(helloWord(40), fc.integer({ min: 129, max: 400 }))
            .map(([word, length]) => [word.padEnd(length, 'd')]),
        ),
        (args) => {
          expect(parseCommand(['HELLO', ...args].join(' '))).toEqual({
            kind: 'invalid',
            reason: 'usage: HELLO <device-id> [token]',
          });
        },
      ),
    );
  });

  it('parses every line the splitter lets through into one of the kinds', () => {
    fc.assert(
      fc.property(stream, (bytes) => {
        for (const result of new LineSplitter().feed(bytes)) {
          if (result.ok) {
            expect(KINDS).toContain(parseCommand(result.line).kind);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
