import fc from 'fast-check';
import mqttPacket from 'mqtt-packet';
import { PacketSizeReader } from './mqtt-size-guard.js';

function publish(payloadBytes: number): Buffer {
  return mqttPacket.generate({
    cmd: 'publish',
    topic: 'gateway/1',
    payload: Buffer.alloc(payloadBytes, 0x61),
    qos: 0,
    dup: false,
    retain: false,
  });
}

describe(PacketSizeReader.name, () => {
  it('lets packets under the limit through, split anywhere', () => {
    const stream = Buffer.concat([publish(10), publish(60000), publish(0), publish(300)]);
    fc.assert(
      fc.property(fc.array(fc.nat(stream.length), { maxLength: 10 }), (cuts) => {
        const reader = new PacketSizeReader(65536);
        const points = [...new Set([0, ...cuts, stream.length])].sort((a, b) => a - b);
        for (let i = 1; i < points.length; i++) {
          expect(reader.feed(stream.subarray(points[i - 1], points[i]))).toBeNull();
        }
      }),
    );
  });

  it('reports a packet over the limit from its header alone', () => {
    const big = publish(1024 * 1024);
    const reader = new PacketSizeReader(65536);
    expect(reader.feed(Buffer.concat([publish(5), big.subarray(0, 4)]))).toBeGreaterThan(65536);
  });
});
