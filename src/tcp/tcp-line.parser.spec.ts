import fc from 'fast-check';
import { LineSplitter, MAX_LINE_BYTES, parseCommand } from './tcp-line.parser.js';

const bytes = (text: string) => Buffer.from(text, 'utf8');

describe(LineSplitter.name, () => {
  it('splits \\n and \\r\\n lines across chunks and skips blank lines', () => {
    const splitter = new LineSplitter();
    expect(splitter.feed(bytes('PersonEnt'))).toEqual([]);
    expect(splitter.feed(bytes('ered\r\nPING\n\r\n\nPerson'))).toEqual([
      { ok: true, line: 'PersonEntered' },
      { ok: true, line: 'PING' },
    ]);
    expect(splitter.hasPending).toBe(true);
    expect(splitter.takeRest()).toEqual({ ok: true, line: 'Person' });
    expect(splitter.takeRest()).toBeNull();
  });

  it('takes a bare command that ends with \\r', () => {
    const splitter = new LineSplitter();
    splitter.feed(bytes('PersonExited\r'));
    expect(splitter.takeRest()).toEqual({ ok: true, line: 'PersonExited' });
  });

  it('accepts a line of exactly 1024 bytes and refuses 1025', () => {
    expect(new LineSplitter().feed(bytes('x'.repeat(MAX_LINE_BYTES) + '\r\n'))).toEqual([
      { ok: true, line: 'x'.repeat(MAX_LINE_BYTES) },
    ]);
    expect(new LineSplitter().feed(bytes('x'.repeat(MAX_LINE_BYTES + 1) + '\n'))).toEqual([
      { ok: false, reason: 'line over 1024 bytes' },
    ]);
  });

  it('refuses an endless line as soon as it passes the limit', () => {
    const splitter = new LineSplitter();
    expect(splitter.feed(bytes('y'.repeat(1000)))).toEqual([]);
    expect(splitter.feed(bytes('y'.repeat(100)))).toEqual([
      { ok: false, reason: 'line over 1024 bytes' },
    ]);
  });

  it('refuses control characters and stops at the first error', () => {
    expect(
      new LineSplitter().feed(Buffer.from([0x50, 0x00, 0x0a, 0x50, 0x49, 0x4e, 0x47, 0x0a])),
    ).toEqual([{ ok: false, reason: 'control characters in line' }]);
  });

  it('never throws and never holds more than a line for any byte sequence', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 3000 }), { maxLength: 20 }), (chunks) => {
        const splitter = new LineSplitter();
        for (const chunk of chunks) {
          const results = splitter.feed(Buffer.from(chunk));
          for (const result of results) {
            if (result.ok) {
              expect(Buffer.byteLength(result.line)).toBeLessThanOrEqual(MAX_LINE_BYTES);
              parseCommand(result.line);
            }
          }
          expect((splitter as unknown as { pending: Buffer }).pending.length).toBeLessThanOrEqual(
            MAX_LINE_BYTES + 1,
          );
          if (results.some((r) => !r.ok)) {
            return;
          }
        }
        splitter.takeRest();
      }),
      { numRuns: 300 },
    );
  });
});

describe(parseCommand.name, () => {
  it.each([
    ['PersonEntered', { kind: 'facility', name: 'PersonEntered' }],
    ['  PersonExited ', { kind: 'facility', name: 'PersonExited' }],
    ['SafetySystem_Active', { kind: 'facility', name: 'SafetySystem_Active' }],
    ['EntrySystem_Active', { kind: 'facility', name: 'EntrySystem_Active' }],
    ['PING', { kind: 'ping' }],
    ['HELLO door-1', { kind: 'hello', deviceId: 'door-1' }],
    ['HELLO door-1 s3cret', { kind: 'hello', deviceId: 'door-1', token: 's3cret' }],
    ['HELLO', { kind: 'invalid', reason: 'usage: HELLO <device-id> [token]' }],
    ['HELLO a b c', { kind: 'invalid', reason: 'usage: HELLO <device-id> [token]' }],
    ['PersonEntered 3', { kind: 'invalid', reason: 'PersonEntered takes no arguments' }],
    ['personentered', { kind: 'invalid', reason: 'unknown command personentered' }],
    ['DROP TABLE', { kind: 'invalid', reason: 'unknown command DROP' }],
  ])('%j → %j', (line, command) => {
    expect(parseCommand(line)).toEqual(command);
  });

  it('answers any string with a command or a reason', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (line) => {
        const command = parseCommand(line);
        expect(['facility', 'hello', 'ping', 'invalid']).toContain(command.kind);
      }),
    );
  });
});
