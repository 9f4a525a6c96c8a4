import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRules } from '../alerts/alert-rules.js';
import { type AppConfig, loadConfig, LOG_LEVELS } from './app-config.js';
import { ConfigError, type Env } from './env-parsers.js';

const dir = mkdtempSync(join(tmpdir(), 'sitewatch-config-property-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

/** A rules file holding `content`, or a path where there is none. */
function rulesFile(content: string | null): string {
  const path = join(dir, `rules-${files++}.json`);
  if (content !== null) {
    writeFileSync(path, content);
  }
  return path;
}

const HOST = /^[A-Za-z0-9.:_-]{1,253}$/;
const PREFIX = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/;
const GROUP = /^[A-Za-z0-9_-]{1,64}$/;
const padded = (text: fc.Arbitrary<string>) =>
  fc
    .tuple(fc.constantFrom('', ' ', '\t'), text, fc.constantFrom('', ' ', '\r'))
    .map(([a, t, b]) => `${a}${t}${b}`);
const int = (min: number, max: number) => fc.integer({ min, max }).map(String);
const path = fc.string({ minLength: 1, maxLength: 60 }).filter((s) => s.trim() === s && s !== '');
const origin = fc.constantFrom(
  'https://ops.example.com',
  'http://localhost:3000',
  'http://127.0.0.1:8000',
);
const rulesJson = fc
  .record(
    {
      gas: fc.dictionary(
        fc.stringMatching(/^[A-Za-z0-9_.%-]{1,8}$/),
        fc.record({ warning: fc.nat(1000), error: fc.nat(1000) }, { requiredKeys: [] }),
        { maxKeys: 3 },
      ),
      lowBatteryPct: fc.nat(100),
    },
    { requiredKeys: [] },
  )
  .map((rules) => JSON.stringify(rules));

/** Values each variable allows, and how the config holds them. */
const VALID: Record<string, [keyof AppConfig, fc.Arbitrary<string>, (v: string) => unknown]> = {
  HOST: [
    'host',
    fc.constantFrom('0.0.0.0', '127.0.0.1', 'localhost', '::1', 'db.internal'),
    (v) => v,
  ],
  PORT: ['port', int(0, 65535), Number],
  DATABASE_URL: [
    'databaseUrl',
    fc.constantFrom('postgres://u@db:5432/sw', 'postgresql://db/sw'),
    (v) => new URL(v).toString(),
  ],
  DATABASE_PATH: ['databasePath', path, (v) => v],
  CORS_ORIGINS: [
    'corsOrigins',
    fc.array(origin, { minLength: 1, maxLength: 3 }).map((o) => o.join(', ')),
    (v) => v.split(',').map((o) => o.trim()),
  ],
  LOG_LEVEL: ['logLevel', fc.constantFrom(...LOG_LEVELS), (v) => v],
  ALERT_DEDUP_SECONDS: ['alertDedupSeconds', int(1, 7 * 86400), Number],
  ALERT_RULES_FILE: [
    'alertRules',
    rulesJson.map((json) => rulesFile(json)),
    (v) => parseRules(JSON.parse(readFileSync(v, 'utf8'))),
  ],
  TCP_HOST: ['tcpHost', fc.constantFrom('0.0.0.0', '127.0.0.1'), (v) => v],
  TCP_PORT: ['tcpPort', int(0, 65535), Number],
  TCP_MAX_CONNECTIONS: ['tcpMaxConnections', int(1, 100000), Number],
  TCP_MAX_COMMANDS_PER_SECOND: ['tcpMaxCommandsPerSecond', int(1, 100000), Number],
  TCP_IDLE_SECONDS: ['tcpIdleSeconds', int(0, 86400), Number],
  MAX_OCCUPANCY: ['maxOccupancy', int(0, 1000000), Number],
  ACTIVITY_LOG_FILE: ['activityLogFile', path, (v) => v],
  HEARTBEAT_TIMEOUT_SECONDS: ['heartbeatTimeoutSeconds', int(1, 7 * 86400), Number],
  MQTT_URL: [
    'mqttUrl',
    fc.constantFrom('mqtt://broker:1883', 'mqtts://b.example.com', 'ws://b/mqtt'),
    (v) => new URL(v).toString(),
  ],
  MQTT_HOST: ['mqttHost', fc.constantFrom('0.0.0.0', '127.0.0.1'), (v) => v],
  MQTT_PORT: ['mqttPort', int(0, 65535), Number],
  MQTT_TOPIC_PREFIX: [
    'mqttTopicPrefix',
    fc.stringMatching(/^[A-Za-z0-9_-]{1,8}(\/[A-Za-z0-9_-]{1,8}){0,2}$/),
    (v) => v,
  ],
  MQTT_SHARED_GROUP: ['mqttSharedGroup', fc.stringMatching(GROUP), (v) => v],
  REDIS_URL: [
    'redisUrl',
    fc.constantFrom('redis://cache:6379/2', 'rediss://r.example.com'),
    (v) => new URL(v).toString(),
  ],
  ACTIVITY_TTL_SECONDS: ['activityTtlSeconds', int(1, 7 * 86400), Number],
};
/** Variables other parts of sitewatch may read: their values are any text here. */
const OTHER = [
  'AUTH_MODE',
  'API_KEY',
  'HTTP_RATE_LIMIT',
  'TRUST_PROXY',
  'MAX_STREAM_CLIENTS_PER_IP',
];
const NAMES = [...Object.keys(VALID), ...OTHER];

/** Text for any variable: its valid values, other variables' values, numbers, garbage, blanks. */
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.integer({ min: -10, max: 2_000_000 }).map(String),
  fc.constantFrom(
    '',
    ' ',
    '0',
    '-1',
    '1.5',
    'token',
    'open',
    'debug',
    'x://y',
    'redis://',
    'http://a b',
  ),
  fc.constantFrom(...Object.values(VALID).map(([, arb]) => arb)).chain((arb) => arb),
  fc.string({ minLength: 1020, maxLength: 1100 }),
  fc.oneof(fc.jsonValue(), fc.string()).map((v) => rulesFile(JSON.stringify(v))),
  fc.constant(join(dir, 'missing.json')),
);

/** A config or the ConfigError that stopped it; any other error fails the test. */
function attempt(env: Env): AppConfig | ConfigError {
  try {
    return loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
}

function expectSoundConfig(config: AppConfig): void {
  for (const host of [config.host, config.tcpHost, config.mqttHost]) {
    expect(host).toMatch(HOST);
  }
  for (const port of [config.port, config.tcpPort, config.mqttPort]) {
    expect(Number.isInteger(port) && port >= 0 && port <= 65535).toBe(true);
  }
  for (const [value, min, max] of [
    [config.alertDedupSeconds, 1, 7 * 86400],
    [config.tcpMaxConnections, 1, 100000],
    [config.tcpMaxCommandsPerSecond, 1, 100000],
    [config.tcpIdleSeconds, 0, 86400],
    [config.maxOccupancy, 0, 1000000],
    [config.heartbeatTimeoutSeconds, 1, 7 * 86400],
    [config.activityTtlSeconds, 1, 7 * 86400],
  ]) {
    expect(Number.isSafeInteger(value) && value >= min && value <= max).toBe(true);
  }
  for (const [url, protocols] of [
    [config.databaseUrl, ['postgres:', 'postgresql:']],
    [config.mqttUrl, ['mqtt:', 'mqtts:', 'ws:', 'wss:']],
    [config.redisUrl, ['redis:', 'rediss:']],
  ] as const) {
    expect(url === undefined || protocols.includes(new URL(url).protocol as never)).toBe(true);
  }
  for (const file of [config.databasePath, config.activityLogFile]) {
    expect(file.length >= 1 && file.length <= 1024 && file.trim() === file).toBe(true);
  }
  for (const item of config.corsOrigins) {
    expect(new URL(item).origin).toBe(item);
  }
  expect(LOG_LEVELS).toContain(config.logLevel);
  expect(config.mqttTopicPrefix).toMatch(PREFIX);
  expect(config.mqttSharedGroup === undefined || GROUP.test(config.mqttSharedGroup)).toBe(true);
  for (const rule of Object.values(config.alertRules.gas)) {
    for (const limit of Object.values(rule)) {
      expect(Number.isFinite(limit) && (limit as number) >= 0).toBe(true);
    }
  }
}

describe(`${loadConfig.name} properties`, () => {
  it('answers any environment with a sound config or a ConfigError naming a variable it was given', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.oneof(fc.constantFrom(...NAMES), fc.string({ maxLength: 8 })), anyText, {
          maxKeys: 8,
        }),
        (env) => {
          const answer = attempt(env);
          if (answer instanceof ConfigError) {
            const named = /^Invalid ([A-Za-z0-9_]+)=/.exec(answer.message)?.[1];
            expect(named).toBeDefined();
            expect(Object.keys(env)).toContain(named);
            expect(env[named!]?.trim()).not.toBe('');
          } else {
            expectSoundConfig(answer);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('reads any environment of valid values, however padded, as those values', () => {
    const entries = fc
      .uniqueArray(fc.constantFrom(...Object.keys(VALID)), { maxLength: 10 })
      .chain((names) =>
        fc.tuple(...names.map((name) => fc.tuple(fc.constant(name), padded(VALID[name][1])))),
      );
    fc.assert(
      fc.property(entries, (pairs) => {
        const env = Object.fromEntries(pairs) as Record<string, string>;
        const config = loadConfig(env);
        expectSoundConfig(config);
        const expected: Partial<Record<keyof AppConfig, unknown>> = {};
        for (const [name, text] of pairs) {
          const [key, , read] = VALID[name];
          expected[key] = read(text.trim());
        }
        expect(config).toEqual(expect.objectContaining(expected));
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a value outside each whole-number variable range, naming the variable', () => {
    const ranges: Record<string, [number, number]> = {
      PORT: [0, 65535],
      TCP_PORT: [0, 65535],
      MQTT_PORT: [0, 65535],
      ALERT_DEDUP_SECONDS: [1, 7 * 86400],
      TCP_MAX_CONNECTIONS: [1, 100000],
      TCP_IDLE_SECONDS: [0, 86400],
      MAX_OCCUPANCY: [0, 1000000],
      ACTIVITY_TTL_SECONDS: [1, 7 * 86400],
    };
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(ranges)),
        fc.oneof(fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: -1e9, max: -1 })),
        (name, beyond) => {
          const [min, max] = ranges[name];
          const value = beyond > 0 ? max + beyond : min + beyond;
          const answer = attempt({ [name]: String(value) });
          expect(answer).toBeInstanceOf(ConfigError);
          expect((answer as ConfigError).message).toBe(
            `Invalid ${name}=${JSON.stringify(String(value))}: expected a whole number from ${min} to ${max}`,
          );
        },
      ),
    );
  });
});
