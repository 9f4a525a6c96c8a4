/** Seconds a client is told to wait (`Retry-After`) before trying again while the database is down. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

// Sockets that never reached the server or were cut: the database is down or unreachable.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

// PostgreSQL SQLSTATE classes and codes that say "not now" rather than "bad query":
// 08 connection exception, 53 insufficient resources (too many connections, disk full),
// 57P01–57P05 shutdown, crash recovery, "cannot connect now".
const POSTGRES_STATES = /^(08|53)[0-9A-Z]{3}$|^57P0[1-5]$|^58030$/;

// SQLite result codes of a locked, full or failing file, as node-sqlite3 names them.
const SQLITE_CODES = new Set([
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_IOERR',
  'SQLITE_FULL',
  'SQLITE_CANTOPEN',
  'SQLITE_READONLY',
  'SQLITE_PROTOCOL',
]);

// node-postgres and pg-pool report a lost or refused connection by message only.
const CONNECTION_MESSAGES = [
  /^Connection terminated/,
  /timeout exceeded when trying to connect/,
  /is not queryable/,
  /Cannot use a pool after calling end/,
  /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY|PROTOCOL)\b/,
];

// TypeORM's own errors for a data source that is not (or no longer) connected.
const TYPEORM_NAMES = new Set(['CannotExecuteNotConnectedError', 'ConnectionIsNotSetError']);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  driverError?: unknown;
  cause?: unknown;
  errors?: unknown;
}

function matchesItself(error: ErrorLike): boolean {
  const code = typeof error.code === 'string' ? error.code : '';
  const message = typeof error.message === 'string' ? error.message : '';
  return (
    NETWORK_CODES.has(code) ||
    SQLITE_CODES.has(code) ||
    POSTGRES_STATES.test(code) ||
    TYPEORM_NAMES.has(String(error.name)) ||
    CONNECTION_MESSAGES.some((pattern) => pattern.test(message))
  );
}

/** What an error wraps: TypeORM's `driverError`, a `cause`, an AggregateError's `errors`. */
function wrapped(error: ErrorLike): unknown[] {
  return [error.driverError, error.cause, ...(Array.isArray(error.errors) ? error.errors : [])];
}

/**
 * True when `error` says the database cannot be reached or cannot take writes right now
 * (refused or lost connection, server shutting down, pool timeout, a busy or full SQLite
 * file), as opposed to a query that is wrong: the caller should answer 503 and let the
 * client retry, not 500.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) {
    return false;
  }
  const candidate = error as ErrorLike;
  return (
    matchesItself(candidate) ||
    wrapped(candidate).some((inner) => isDatabaseUnavailable(inner, depth + 1))
  );
}

/** A short, single-line description of a database error for component details and logs. */
export function describeDatabaseError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const code = (error as ErrorLike | null)?.code;
  const line = text.split('\n')[0].slice(0, 200);
  return typeof code === 'string' && !line.includes(code) ? `${code}: ${line}` : line;
}
