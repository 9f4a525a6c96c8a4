import fc from 'fast-check';
import { gatewayOf, parseGatewayMessage } from './gateway-message.parser.js';

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe(parseGatewayMessage.name, () => {
  it('reads a reading document with its gateway number', () => {
    const message = parseGatewayMessage(
      'gateway/7',
      json({ id: 's1', ts: 1673049150, sensors: [{ type: 'CO', val: 3 }] }),
      'gateway',
    );
    expect(message).toEqual({
      kind: 'reading',
      gateway: 7,
      reading: { id: 's1', ts: 1673049150, pct: null, sensors: [{ type: 'CO', val: 3 }] },
    });
  });

  it('reads an activity signal and ignores its other fields', () => {
    expect(
      parseGatewayMessage('gateway/12', json({ id: 'door sensor', state: 'open' }), 'gateway'),
    ).toEqual({ kind: 'activity', gateway: 12, sensorId: 'door sensor' });
  });

  it('ignores topics outside the prefix', () => {
    expect(parseGatewayMessage('other/1', json({ id: 'x' }), 'gateway')).toEqual({
      kind: 'ignored',
    });
    expect(gatewayOf('gatewayx/1', 'gateway')).toBeNull();
  });

  it.each([
    ['gateway/abc', '{"id":"x"}', /last level must be a gateway number/],
    ['gateway/1/2', '{"id":"x"}', /last level must be a gateway number/],
    ['gateway/1', 'not json', /not JSON/],
    ['gateway/1', '[1,2]', /JSON object/],
    ['gateway/1', '{"name":"x"}', /neither sensors nor a valid id/],
    ['gateway/1', '{"id":"x","sensors":[]}', /invalid reading/],
  ])('refuses %s %s', (topic, payload, reason) => {
    const message = parseGatewayMessage(topic, Buffer.from(payload), 'gateway');
    expect(message.kind).toBe('invalid');
    expect(message.kind === 'invalid' && message.reason).toMatch(reason);
  });

  it('refuses a payload over 64 KiB without parsing it', () => {
    expect(parseGatewayMessage('gateway/1', Buffer.alloc(64 * 1024 + 1, 0x20), 'gateway')).toEqual({
      kind: 'invalid',
      reason: 'payload of 65537 bytes over 65536',
    });
  });

  it('classifies any topic and payload without throwing', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40 }),
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
          fc.jsonValue().map((v) => json(v)),
        ),
        (topic, payload) => {
          const message = parseGatewayMessage(`gateway/${topic}`, payload, 'gateway');
          expect(['reading', 'activity', 'invalid']).toContain(message.kind);
        },
      ),
      { numRuns: 500 },
    );
  });
});
