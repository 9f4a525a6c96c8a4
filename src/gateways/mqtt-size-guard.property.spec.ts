import fc from 'fast-check';
import mqttPacket from 'mqtt-packet';
import { PacketSizeReader } from './mqtt-size-guard.js';

/** The remaining length of a packet as mqtt-packet encodes it: the bytes after the fixed header. */
function remainingLength(packet: Buffer): { length: number; headerBytes: number } {
  let length = 0;
  let i = 1;
  for (let multiplier = 1; ; multiplier *= 128) {
    const byte = packet[i++];
    length += (byte & 0x7f) * multiplier;
    if ((byte & 0x80) === 0) {
      return { length, headerBytes: i };
    }
  }
}

const packet = fc.oneof(
  fc.constantFrom(
    { cmd: 'pingreq' as const },
    { cmd: 'pingresp' as const },
    { cmd: 'disconnect' as const },
  ),
  fc
    .tuple(
      fc.stringMatching(/^gateway\/\d{1,4}$/),
      fc.oneof(fc.nat(200), fc.nat(20000), fc.integer({ min: 16000, max: 140000 })),
      fc.constantFrom(0, 1, 2) as fc.Arbitrary<0 | 1 | 2>,
    )
    .map(([topic, size, qos]) => ({
      cmd: 'publish' as const,
      topic,
      payload: Buffer.alloc(size, 0x7b),
      qos,
      messageId: qos > 0 ? 1 : undefined,
      dup: false,
      retain: false,
    })),
  fc
    .array(fc.stringMatching(/^[a-z]{1,10}\/\+$/), { minLength: 1, maxLength: 3 })
    .map((topics) => ({
      cmd: 'subscribe' as const,
      messageId: 7,
      subscriptions: topics.map((topic) => ({ topic, qos: 1 as const })),
    })),
);
const packets = fc
  .array(packet, { minLength: 1, maxLength: 6 })
  .map((list) => list.map((p) => mqttPacket.generate(p as mqttPacket.Packet)));
const limit = fc.oneof(fc.constant(65536), fc.integer({ min: 0, max: 150000 }));
const cuts = fc.array(fc.nat(), { maxLength: 10 });

/** The first verdict when `stream` arrives in pieces cut at `at`, and how many bytes it took. */
function verdictOf(
  max: number,
  stream: Buffer,
  at: number[],
): { verdict: number | null; read: number } {
  const reader = new PacketSizeReader(max);
  const points = [...new Set([0, ...at.map((c) => c % (stream.length + 1)), stream.length])].sort(
    (a, b) => a - b,
  );
  for (let i = 1; i < points.length; i++) {
    const verdict = reader.feed(stream.subarray(points[i - 1], points[i]));
    if (verdict !== null) {
      return { verdict, read: points[i] };
    }
  }
  return { verdict: null, read: stream.length };
}

describe(`${PacketSizeReader.name} properties`, () => {
  it('never throws on any bytes, and gives the same verdict however they are cut', () => {
    fc.assert(
      fc.property(
        limit,
        fc.array(fc.uint8Array({ maxLength: 600 }), { maxLength: 6 }),
        cuts,
        (max, chunks, at) => {
          const stream = Buffer.concat(chunks);
          const whole = verdictOf(max, stream, []).verdict;
          expect(verdictOf(max, stream, at).verdict).toBe(whole);
          expect(whole === null || Number.isInteger(whole)).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('stops the first packet over the limit at its header, and passes every packet up to it', () => {
    fc.assert(
      fc.property(limit, packets, cuts, (max, list, at) => {
        const stream = Buffer.concat(list);
        const { verdict, read } = verdictOf(max, stream, at);
        const firstOver = list.findIndex((p) => remainingLength(p).length > max);
        if (firstOver < 0) {
          expect(verdict).toBeNull();
          return;
        }
        const start = list.slice(0, firstOver).reduce((sum, p) => sum + p.length, 0);
        const { length, headerBytes } = remainingLength(list[firstOver]);
        expect(verdict).not.toBeNull();
        expect(verdict).toBeGreaterThan(max);
        expect(verdict).toBeLessThanOrEqual(length);
        // Found while reading the header: no cut has to bring in any byte of the body first.
        expect(verdictOf(max, stream.subarray(0, start + headerBytes), at).verdict).toBe(verdict);
        expect(read).toBeGreaterThan(start);
      }),
      { numRuns: 200 },
    );
  });

  it('reports a remaining length of more than four bytes as malformed at its fifth byte', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 255 }),
        fc.array(fc.integer({ min: 0x80, max: 0xff }), { minLength: 4, maxLength: 10 }),
        fc.integer({ min: 0, max: 255 }),
        fc.nat(),
        (type, continued, last, max) => {
          const header = Buffer.from([type, ...continued, last]);
          expect(new PacketSizeReader(max).feed(header)).not.toBeNull();
        },
      ),
    );
  });
});
