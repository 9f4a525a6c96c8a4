import fc from 'fast-check';
import { CONTROL_CHARACTERS } from '../common/text.js';
import { EARLIEST_TS, MAX_AHEAD_SECONDS } from '../readings/dto/is-reading-time.validator.js';
import { checkReading, MAX_DOCUMENT_DEPTH } from '../readings/reading-validation.js';
import { gatewayOf, MAX_PAYLOAD_BYTES, parseGatewayMessage } from './gateway-message.parser.js';

const KINDS = ['reading', 'activity', 'ignored', 'invalid'];
const SENSOR_TYPE = /^[A-Za-z0-9_.%-]{1,32}$/;
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

/** Prefixes as MQTT_TOPIC_PREFIX allows them, and any text at all. */
const prefix = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_-]{1,12}(\/[A-Za-z0-9_-]{1,8}){0,2}$/),
  fc.string({ maxLength: 20 }),
);
const gatewayNumber = fc.integer({ min: 0, max: 999_999_999 });
const deviceId = fc
  .string({ minLength: 1, maxLength: 128, unit: 'binary' })
  .filter((s) => s.length <= 128 && !CONTROL_CHARACTERS.test(s));
const validReading = fc.record({
  id: deviceId,
  ts: fc.double({ min: EARLIEST_TS, max: Date.now() / 1000, noNaN: true }),
  pct: fc.double({ min: 0, max: 100, noNaN: true }),
  sensors: fc.array(
    fc.record({
      type: fc.stringMatching(SENSOR_TYPE),
      val: fc.double({ noNaN: true, noDefaultInfinity: true }),
    }),
    { minLength: 1, maxLength: 64 },
  ),
});
/** Payloads of every sort: bytes, text, any JSON, near-readings, activity signals. */
const payload = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
  fc.string({ unit: 'binary' }).map((s) => Buffer.from(s)),
  fc.jsonValue({ maxDepth: 4 }).map(json),
  fc
    .record(
      {
        id: fc.oneof(deviceId, fc.jsonValue({ maxDepth: 1 })),
        sensors: fc.jsonValue({ maxDepth: 3 }),
        state: fc.jsonValue({ maxDepth: 2 }),
      },
      { requiredKeys: [] },
    )
    .map(json),
  validReading.map(json),
);

function expectValidReading(reading: unknown): void {
  const { id, ts, pct, sensors } = reading as Record<string, unknown>;
  expect(typeof id === 'string' && id.length >= 1 && id.length <= 128).toBe(true);
  expect(CONTROL_CHARACTERS.test(id as string)).toBe(false);
  expect(ts).toBeGreaterThanOrEqual(EARLIEST_TS);
  expect(ts).toBeLessThanOrEqual(Date.now() / 1000 + MAX_AHEAD_SECONDS);
  expect(pct === null || (typeof pct === 'number' && pct >= 0 && pct <= 100)).toBe(true);
  expect(Array.isArray(sensors) && sensors.length >= 1 && sensors.length <= 64).toBe(true);
  for (const { type, val } of sensors as { type: unknown; val: unknown }[]) {
    expect(typeof type === 'string' && SENSOR_TYPE.test(type)).toBe(true);
    expect(typeof val === 'number' && Number.isFinite(val)).toBe(true);
  }
}

describe(`${parseGatewayMessage.name} properties`, () => {
  it('classifies any topic and payload as one of the four kinds, never a throw', () => {
    fc.assert(
      fc.property(
        prefix,
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 60 }),
          gatewayNumber.map(String),
          fc.string({ maxLength: 12 }),
        ),
        fc.boolean(),
        payload,
        (pre, level, underPrefix, bytes) => {
          const topic = underPrefix ? `${pre}/${level}` : level;
          const message = parseGatewayMessage(topic, bytes, pre);
          expect(KINDS).toContain(message.kind);
          expect(message.kind === 'ignored').toBe(!topic.startsWith(`${pre}/`));
          if (message.kind === 'reading' || message.kind === 'activity') {
            expect(message.gateway).toBe(Number(topic.slice(pre.length + 1)));
            expect(Number.isSafeInteger(message.gateway) && message.gateway >= 0).toBe(true);
          }
          if (message.kind === 'reading') {
            expectValidReading(message.reading);
            const check = checkReading(JSON.parse(bytes.toString('utf8')));
            expect(check.ok && check.reading).toEqual(message.reading);
          }
          if (message.kind === 'activity') {
            const document = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
            expect('sensors' in document).toBe(false);
            expect(message.sensorId).toBe(document.id);
            expect(CONTROL_CHARACTERS.test(message.sensorId)).toBe(false);
          }
          if (message.kind === 'invalid') {
            expect(message.reason.length).toBeGreaterThan(0);
            expect(message.reason.length).toBeLessThanOrEqual(300);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('stores a valid reading document sent to {prefix}/{N} as it was sent', () => {
    fc.assert(
      fc.property(prefix, gatewayNumber, validReading, (pre, gateway, reading) => {
        expect(parseGatewayMessage(`${pre}/${gateway}`, json(reading), pre)).toEqual({
          kind: 'reading',
          gateway,
          reading: JSON.parse(JSON.stringify(reading)) as unknown,
        });
      }),
      { numRuns: 200 },
    );
  });

  it('takes an object with an id and no sensors as an activity signal, whatever else it holds', () => {
    fc.assert(
      fc.property(
        gatewayNumber,
        deviceId,
        fc.dictionary(
          fc.string().filter((k) => k !== 'id' && k !== 'sensors'),
          fc.jsonValue({ maxDepth: 3 }),
        ),
        (gateway, id, other) => {
          expect(
            parseGatewayMessage(`gateway/${gateway}`, json({ ...other, id }), 'gateway'),
          ).toEqual({ kind: 'activity', gateway, sensorId: id });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses any payload over 64 KiB, even a valid reading padded with spaces', () => {
    fc.assert(
      fc.property(
        validReading,
        fc.integer({ min: 0, max: 3 * MAX_PAYLOAD_BYTES }),
        (reading, padding) => {
          const bytes = Buffer.concat([json(reading), Buffer.alloc(padding, 0x20)]);
          const message = parseGatewayMessage('gateway/1', bytes, 'gateway');
          if (bytes.length > MAX_PAYLOAD_BYTES) {
            expect(message).toEqual({
              kind: 'invalid',
              reason: `payload of ${bytes.length} bytes over ${MAX_PAYLOAD_BYTES}`,
            });
          } else {
            expect(message.kind).toBe('reading');
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('answers JSON nested as deep as 64 KiB allows without a throw', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 16000 }),
        fc.constantFrom('[', '{"a":'),
        fc.constantFrom('sensors', 'id', 'extra'),
        (depth, open, where) => {
          const close = open === '[' ? ']' : '}';
          const deep = `${open.repeat(depth)}1${close.repeat(depth)}`;
          const text = `{"id":"s1","ts":1673049150,"sensors":[{"type":"CO","val":1}],"${where}":${deep}}`;
          const message = parseGatewayMessage('gateway/3', Buffer.from(text), 'gateway');
          expect(message.kind).toBe(
            where === 'extra' && depth < MAX_DOCUMENT_DEPTH && text.length <= MAX_PAYLOAD_BYTES
              ? 'reading'
              : 'invalid',
          );
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe(`${gatewayOf.name} properties`, () => {
  it('reads the gateway number of {prefix}/{N}, leading zeros and all', () => {
    fc.assert(
      fc.property(prefix, gatewayNumber, fc.nat(8), (pre, gateway, zeros) => {
        const level = String(gateway).padStart(Math.min(9, String(gateway).length + zeros), '0');
        expect(gatewayOf(`${pre}/${level}`, pre)).toBe(gateway);
      }),
    );
  });

  it('answers NaN for a last level that is not a whole number of up to 9 digits', () => {
    fc.assert(
      fc.property(
        prefix,
        fc.string({ unit: 'binary', maxLength: 20 }).filter((s) => !/^\d{1,9}$/.test(s)),
        (pre, level) => {
          expect(gatewayOf(`${pre}/${level}`, pre)).toBeNaN();
        },
      ),
    );
  });

  it('answers null for a topic outside the prefix', () => {
    fc.assert(
      fc.property(prefix, fc.string({ unit: 'binary', maxLength: 40 }), (pre, topic) => {
        fc.pre(!topic.startsWith(`${pre}/`));
        expect(gatewayOf(topic, pre)).toBeNull();
      }),
    );
  });
});
