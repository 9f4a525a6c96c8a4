import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_RULES } from '../alerts/alert-rules.js';
import { loadConfig } from './app-config.js';

const dir = mkdtempSync(join(tmpdir(), 'sitewatch-config-'));
const rulesFile = join(dir, 'rules.json');
writeFileSync(rulesFile, JSON.stringify({ gas: { CO: { warning: 25, error: 100 } } }));
const badRulesFile = join(dir, 'bad-rules.json');
writeFileSync(badRulesFile, JSON.stringify({ gas: { H2S: { warning: 'ten' } } }));
import { ConfigError } from './env-parsers.js';

describe(loadConfig.name, () => {
  it('gives the documented defaults for an empty environment', () => {
    expect(loadConfig({})).toEqual({
      host: '127.0.0.1',
      port: 8000,
      databaseUrl: undefined,
      databasePath: 'data/sitewatch.sqlite',
      corsOrigins: [],
      logLevel: 'info',
      alertDedupSeconds: 300,
      alertRules: DEFAULT_RULES,
      tcpHost: '127.0.0.1',
      tcpPort: 12345,
      tcpMaxConnections: 1000,
      tcpMaxCommandsPerSecond: 100,
      tcpIdleSeconds: 300,
      maxOccupancy: 100,
      activityLogFile: 'data/activity_log.txt',
      heartbeatTimeoutSeconds: 60,
      mqttUrl: undefined,
      mqttHost: '127.0.0.1',
      mqttPort: 1883,
      mqttTopicPrefix: 'gateway',
      mqttSharedGroup: undefined,
      redisUrl: undefined,
      activityTtlSeconds: 300,
      authMode: 'open',
      apiKey: undefined,
      httpRateLimit: 1000,
      trustProxy: 0,
      maxStreamClientsPerIp: 100,
      exposureHoldSeconds: 60,
      notifyWebhookUrls: [],
      notifyMinSeverity: 'warning',
      notifyWebhookSecret: undefined,
      recoverySeconds: 120,
      retentionDays: undefined,
      occupancyResetAt: undefined,
    });
  });

  it('reads every variable it knows', () => {
    const config = loadConfig({
      HOST: '0.0.0.0',
      PORT: '0',
      DATABASE_URL: 'postgres://u@db:5432/sitewatch',
      DATABASE_PATH: '/var/lib/sitewatch/db.sqlite',
      CORS_ORIGINS: 'https://ops.example.com, http://localhost:3000',
      LOG_LEVEL: 'debug',
      ALERT_DEDUP_SECONDS: '60',
      ALERT_RULES_FILE: rulesFile,
      TCP_HOST: '0.0.0.0',
      TCP_PORT: '0',
      TCP_MAX_CONNECTIONS: '10',
      TCP_MAX_COMMANDS_PER_SECOND: '5',
      TCP_IDLE_SECONDS: '0',
      MAX_OCCUPANCY: '40',
      ACTIVITY_LOG_FILE: '/var/log/sitewatch/activity.txt',
      HEARTBEAT_TIMEOUT_SECONDS: '30',
      MQTT_URL: 'mqtt://broker:1883',
      MQTT_HOST: '0.0.0.0',
      MQTT_PORT: '1884',
      MQTT_TOPIC_PREFIX: 'site-a/gateway',
      MQTT_SHARED_GROUP: 'sitewatch',
      REDIS_URL: 'redis://cache:6379/2',
      ACTIVITY_TTL_SECONDS: '120',
      AUTH_MODE: 'token',
      API_KEY: 'k3y-of-sixteen-chars',
      HTTP_RATE_LIMIT: '50',
      TRUST_PROXY: '1',
      MAX_STREAM_CLIENTS_PER_IP: '20',
      EXPOSURE_HOLD_SECONDS: '90',
      NOTIFY_WEBHOOK_URLS: 'https://hooks.example.com/a, http://127.0.0.1:9000/b',
      NOTIFY_MIN_SEVERITY: 'error',
      NOTIFY_WEBHOOK_SECRET: 's3cret',
      RECOVERY_SECONDS: '30',
      RETENTION_DAYS: '365',
      OCCUPANCY_RESET_AT: '06:30',
    });
    expect(config).toEqual({
      host: '0.0.0.0',
      port: 0,
      databaseUrl: 'postgres://u@db:5432/sitewatch',
      databasePath: '/var/lib/sitewatch/db.sqlite',
      corsOrigins: ['https://ops.example.com', 'http://localhost:3000'],
      logLevel: 'debug',
      alertDedupSeconds: 60,
      alertRules: {
        ...DEFAULT_RULES,
        gas: { ...DEFAULT_RULES.gas, CO: { warning: 25, error: 100 } },
      },
      tcpHost: '0.0.0.0',
      tcpPort: 0,
      tcpMaxConnections: 10,
      tcpMaxCommandsPerSecond: 5,
      tcpIdleSeconds: 0,
      maxOccupancy: 40,
      activityLogFile: '/var/log/sitewatch/activity.txt',
      heartbeatTimeoutSeconds: 30,
      mqttUrl: 'mqtt://broker:1883',
      mqttHost: '0.0.0.0',
      mqttPort: 1884,
      mqttTopicPrefix: 'site-a/gateway',
      mqttSharedGroup: 'sitewatch',
      redisUrl: 'redis://cache:6379/2',
      activityTtlSeconds: 120,
      authMode: 'token',
      apiKey: 'k3y-of-sixteen-chars',
      httpRateLimit: 50,
      trustProxy: 1,
      maxStreamClientsPerIp: 20,
      exposureHoldSeconds: 90,
      notifyWebhookUrls: ['https://hooks.example.com/a', 'http://127.0.0.1:9000/b'],
      notifyMinSeverity: 'error',
      notifyWebhookSecret: 's3cret',
      recoverySeconds: 30,
      retentionDays: 365,
      occupancyResetAt: '06:30',
    });
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig({ PORT: '', HOST: ' ' }).port).toBe(8000);
  });

  it.each([
    ['PORT', 'abc', 'Invalid PORT="abc": expected a whole number from 0 to 65535'],
    ['PORT', '65536', 'Invalid PORT="65536": expected a whole number from 0 to 65535'],
    ['PORT', '80.5', 'Invalid PORT="80.5": expected a whole number from 0 to 65535'],
    [
      'DATABASE_URL',
      'mysql://x',
      'Invalid DATABASE_URL="mysql://x": expected a URL starting with postgres:// or postgresql://',
    ],
    [
      'HOST',
      'http://x',
      'Invalid HOST="http://x": expected a host name or IP address such as 127.0.0.1 or 0.0.0.0',
    ],
    [
      'LOG_LEVEL',
      'loud',
      'Invalid LOG_LEVEL="loud": expected one of fatal, error, warn, info, debug, trace, silent',
    ],
    [
      'CORS_ORIGINS',
      'ops.example.com',
      'Invalid CORS_ORIGINS="ops.example.com": expected a comma-separated list of origins such as https://ops.example.com',
    ],
    [
      'ALERT_DEDUP_SECONDS',
      '0',
      'Invalid ALERT_DEDUP_SECONDS="0": expected a whole number from 1 to 604800',
    ],
    [
      'ALERT_RULES_FILE',
      badRulesFile,
      `Invalid ALERT_RULES_FILE=${JSON.stringify(badRulesFile)}: expected a JSON rules file (gas.H2S.warning must be a number ≥ 0, not "ten")`,
    ],
    ['ALERT_RULES_FILE', join(dir, 'missing.json'), 'cannot read it'],
    [
      'AUTH_MODE',
      'token',
      'Invalid AUTH_MODE="token": expected API_KEY to be set as well (token mode guards the read and admin APIs with it)',
    ],
    ['AUTH_MODE', 'none', 'Invalid AUTH_MODE="none": expected one of open, token'],
    [
      'API_KEY',
      'short',
      'Invalid API_KEY="…": expected 16 to 256 printable ASCII characters without spaces',
    ],
    [
      'HTTP_RATE_LIMIT',
      '-1',
      'Invalid HTTP_RATE_LIMIT="-1": expected a whole number from 0 to 1000000',
    ],
    ['MAX_STREAM_CLIENTS_PER_IP', '0', 'Invalid MAX_STREAM_CLIENTS_PER_IP="0"'],
    [
      'NOTIFY_WEBHOOK_URLS',
      'ftp://hooks.example.com/a',
      'Invalid NOTIFY_WEBHOOK_URLS="ftp://hooks.example.com/a": expected a comma-separated list of http:// or https:// URLs',
    ],
    [
      'NOTIFY_MIN_SEVERITY',
      'loud',
      'Invalid NOTIFY_MIN_SEVERITY="loud": expected one of info, warning, error',
    ],
    ['EXPOSURE_HOLD_SECONDS', '-5', 'Invalid EXPOSURE_HOLD_SECONDS="-5"'],
    ['RETENTION_DAYS', '0', 'Invalid RETENTION_DAYS="0": expected a whole number from 1 to 36500'],
    ['RETENTION_DAYS', '1.5', 'Invalid RETENTION_DAYS="1.5"'],
    [
      'RECOVERY_SECONDS',
      '0',
      'Invalid RECOVERY_SECONDS="0": expected a whole number from 1 to 86400',
    ],
    [
      'OCCUPANCY_RESET_AT',
      '24:00',
      'Invalid OCCUPANCY_RESET_AT="24:00": expected a local time HH:MM from 00:00 to 23:59',
    ],
    ['OCCUPANCY_RESET_AT', '6:30', 'Invalid OCCUPANCY_RESET_AT="6:30"'],
  ])('stops on %s=%s with one line naming it', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });
});
