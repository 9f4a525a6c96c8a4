import {
  type AlertRules,
  DEFAULT_RULES,
  readRulesFile,
  RulesError,
} from '../alerts/alert-rules.js';
import {
  ConfigError,
  type Env,
  readEnum,
  readHost,
  readInt,
  readOptionalInt,
  readOptionalPattern,
  readOptionalString,
  readPattern,
  readList,
  readPort,
  readString,
  readUrl,
} from './env-parsers.js';

export const APP_CONFIG = Symbol('APP_CONFIG');

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const AUTH_MODES = ['open', 'token'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

export interface AppConfig {
  host: string;
  port: number;
  /** `postgres://…` selects PostgreSQL; unset means SQLite at `databasePath`. */
  databaseUrl?: string;
  databasePath: string;
  corsOrigins: string[];
  logLevel: LogLevel;
  alertDedupSeconds: number;
  alertRules: AlertRules;
  tcpHost: string;
  tcpPort: number;
  tcpMaxConnections: number;
  tcpMaxCommandsPerSecond: number;
  tcpIdleSeconds: number;
  maxOccupancy: number;
  activityLogFile: string;
  heartbeatTimeoutSeconds: number;
  /** External broker; unset means the embedded broker on mqttHost:mqttPort. */
  mqttUrl?: string;
  mqttHost: string;
  mqttPort: number;
  mqttTopicPrefix: string;
  mqttSharedGroup?: string;
  redisUrl?: string;
  activityTtlSeconds: number;
  /** `open`: no credentials, as the original devices expect; `token`: see src/auth. */
  authMode: AuthMode;
  /** Required in token mode for every API but ingest and health. */
  apiKey?: string;
  /** Requests a second per client address over HTTP; 0 turns the limit off. */
  httpRateLimit: number;
  /** Proxy hops in front of sitewatch whose X-Forwarded-For is believed (0: none). */
  trustProxy: number;
  /** Socket.IO connections and SSE streams open at once from one address. */
  maxStreamClientsPerIp: number;
  /** How long a gas reading stands for the minutes after it, in the exposure series. */
  exposureHoldSeconds: number;
  /** Webhooks that receive alert transitions (SPEC 10.2). */
  notifyWebhookUrls: string[];
  notifyMinSeverity: NotifySeverity;
  /** Signs each webhook body (`X-Sitewatch-Signature`) when set. */
  notifyWebhookSecret?: string;
  /** How long a dropped Socket.IO client has to come back and get what it missed. */
  recoverySeconds: number;
  /** Raw readings older than this many days are deleted; unset keeps everything. */
  retentionDays?: number;
  /** Daily occupancy reset at this local time, `HH:MM`; unset: never. */
  occupancyResetAt?: string;
}

export const NOTIFY_SEVERITIES = ['info', 'warning', 'error'] as const;
export type NotifySeverity = (typeof NOTIFY_SEVERITIES)[number];

function isWebhookUrl(item: string): boolean {
  try {
    const url = new URL(item);
    return (url.protocol === 'http:' || url.protocol === 'https:') && item.length <= 2048;
  } catch {
    return false;
  }
}

function isOrigin(item: string): boolean {
  try {
    const url = new URL(item);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === item;
  } catch {
    return false;
  }
}

/**
 * The one reader of the environment. Validates every variable before Nest starts, so a bad
 * value stops the process with one line naming it (see main.ts), and tests pass a plain object.
 */
export function loadConfig(env: Env): AppConfig {
  return {
    host: readHost(env, 'HOST', '127.0.0.1'),
    port: readPort(env, 'PORT', 8000),
    databaseUrl: readUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:'])?.toString(),
    databasePath: readString(env, 'DATABASE_PATH', 'data/sitewatch.sqlite'),
    corsOrigins: readList(
      env,
      'CORS_ORIGINS',
      isOrigin,
      'a comma-separated list of origins such as https://ops.example.com',
    ),
    logLevel: readEnum(env, 'LOG_LEVEL', 'info', LOG_LEVELS),
    alertDedupSeconds: readInt(env, 'ALERT_DEDUP_SECONDS', 300, 1, 7 * 86400),
    alertRules: readAlertRules(env),
    tcpHost: readHost(env, 'TCP_HOST', '127.0.0.1'),
    tcpPort: readPort(env, 'TCP_PORT', 12345),
    tcpMaxConnections: readInt(env, 'TCP_MAX_CONNECTIONS', 1000, 1, 100000),
    tcpMaxCommandsPerSecond: readInt(env, 'TCP_MAX_COMMANDS_PER_SECOND', 100, 1, 100000),
    tcpIdleSeconds: readInt(env, 'TCP_IDLE_SECONDS', 300, 0, 86400),
    maxOccupancy: readInt(env, 'MAX_OCCUPANCY', 100, 0, 1000000),
    activityLogFile: readString(env, 'ACTIVITY_LOG_FILE', 'data/activity_log.txt'),
    heartbeatTimeoutSeconds: readInt(env, 'HEARTBEAT_TIMEOUT_SECONDS', 60, 1, 7 * 86400),
    mqttUrl: readUrl(env, 'MQTT_URL', ['mqtt:', 'mqtts:', 'ws:', 'wss:'])?.toString(),
    mqttHost: readHost(env, 'MQTT_HOST', '127.0.0.1'),
    mqttPort: readPort(env, 'MQTT_PORT', 1883),
    mqttTopicPrefix: readPattern(
      env,
      'MQTT_TOPIC_PREFIX',
      'gateway',
      /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/,
      'topic levels of A-Z a-z 0-9 _ - separated by /, without wildcards',
    ),
    mqttSharedGroup: readOptionalPattern(
      env,
      'MQTT_SHARED_GROUP',
      /^[A-Za-z0-9_-]{1,64}$/,
      '1–64 characters of A-Z a-z 0-9 _ -',
    ),
    redisUrl: readUrl(env, 'REDIS_URL', ['redis:', 'rediss:'])?.toString(),
    activityTtlSeconds: readInt(env, 'ACTIVITY_TTL_SECONDS', 300, 1, 7 * 86400),
    ...readAuth(env),
    httpRateLimit: readInt(env, 'HTTP_RATE_LIMIT', 1000, 0, 1000000),
    trustProxy: readInt(env, 'TRUST_PROXY', 0, 0, 10),
    maxStreamClientsPerIp: readInt(env, 'MAX_STREAM_CLIENTS_PER_IP', 100, 1, 100000),
    exposureHoldSeconds: readInt(env, 'EXPOSURE_HOLD_SECONDS', 60, 0, 3600),
    notifyWebhookUrls: readList(
      env,
      'NOTIFY_WEBHOOK_URLS',
      isWebhookUrl,
      'a comma-separated list of http:// or https:// URLs',
    ),
    notifyMinSeverity: readEnum(env, 'NOTIFY_MIN_SEVERITY', 'warning', NOTIFY_SEVERITIES),
    notifyWebhookSecret: readOptionalString(env, 'NOTIFY_WEBHOOK_SECRET', 1024),
    recoverySeconds: readInt(env, 'RECOVERY_SECONDS', 120, 1, 86400),
    retentionDays: readOptionalInt(env, 'RETENTION_DAYS', 1, 36500),
    occupancyResetAt: readOptionalPattern(
      env,
      'OCCUPANCY_RESET_AT',
      /^([01]\d|2[0-3]):[0-5]\d$/,
      'a local time HH:MM from 00:00 to 23:59',
    ),
  };
}

/** Token mode needs an API key; the key itself never appears in an error message. */
function readAuth(env: Env): Pick<AppConfig, 'authMode' | 'apiKey'> {
  const authMode = readEnum(env, 'AUTH_MODE', 'open', AUTH_MODES);
  const apiKey = readOptionalString(env, 'API_KEY', 100000);
  if (apiKey !== undefined && !/^[\x21-\x7e]{16,256}$/.test(apiKey)) {
    throw new ConfigError('API_KEY', '…', '16 to 256 printable ASCII characters without spaces');
  }
  if (authMode === 'token' && apiKey === undefined) {
    throw new ConfigError(
      'AUTH_MODE',
      authMode,
      'API_KEY to be set as well (token mode guards the read and admin APIs with it)',
    );
  }
  return { authMode, apiKey };
}

function readAlertRules(env: Env): AlertRules {
  const path = readOptionalString(env, 'ALERT_RULES_FILE');
  if (path === undefined) {
    return DEFAULT_RULES;
  }
  try {
    return readRulesFile(path);
  } catch (error) {
    if (error instanceof RulesError) {
      throw new ConfigError('ALERT_RULES_FILE', path, `a JSON rules file (${error.message})`);
    }
    throw error;
  }
}

/** Options shared by every config: a test overrides a few fields of the defaults. */
export function configWith(overrides: Partial<AppConfig>, env: Env = {}): AppConfig {
  return { ...loadConfig(env), ...overrides };
}
