import { QueryFailedError } from 'typeorm';
import { describeDatabaseError, isDatabaseUnavailable } from './database-errors.js';

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

function pgError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code, severity: 'FATAL' });
}

describe(isDatabaseUnavailable.name, () => {
  it.each([
    ['a refused connection', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['a reset connection', withCode('read ECONNRESET', 'ECONNRESET')],
    ['a lost connection', new Error('Connection terminated unexpectedly')],
    ['a connect timeout', new Error('Connection terminated due to connection timeout')],
    ['a pool timeout', new Error('timeout exceeded when trying to connect')],
    [
      'a broken client',
      new Error('Client has encountered a connection error and is not queryable'),
    ],
    [
      'an administrator shutdown (57P01)',
      pgError('terminating connection due to administrator command', '57P01'),
    ],
    ['a server starting up (57P03)', pgError('the database system is starting up', '57P03')],
    ['a connection failure (08006)', pgError('connection failure', '08006')],
    ['too many connections (53300)', pgError('sorry, too many clients already', '53300')],
    ['a busy SQLite file', withCode('SQLITE_BUSY: database is locked', 'SQLITE_BUSY')],
    ['a full disk under SQLite', withCode('SQLITE_FULL: database or disk is full', 'SQLITE_FULL')],
    ['an SQLite I/O error', withCode('SQLITE_IOERR: disk I/O error', 'SQLITE_IOERR')],
    [
      'a dual-stack refusal (AggregateError)',
      new AggregateError([withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')], ''),
    ],
    [
      'a wrapped cause',
      new Error('transaction failed', { cause: withCode('connect ETIMEDOUT', 'ETIMEDOUT') }),
    ],
  ])('is true for %s', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it('looks inside a TypeORM QueryFailedError at the driver error', () => {
    const error = new QueryFailedError(
      'INSERT INTO sensor_data …',
      [],
      pgError('terminating connection due to administrator command', '57P01'),
    );
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation (23505)', pgError('duplicate key value', '23505')],
    ['a syntax error (42601)', pgError('syntax error at or near "SELEC"', '42601')],
    ['a serialization failure (40001)', pgError('could not serialize access', '40001')],
    [
      'an SQLite constraint',
      withCode('SQLITE_CONSTRAINT: UNIQUE constraint failed', 'SQLITE_CONSTRAINT'),
    ],
    ['a corrupt SQLite file', withCode('SQLITE_CORRUPT: malformed', 'SQLITE_CORRUPT')],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a string', 'ECONNREFUSED'],
    ['nothing', undefined],
  ])('is false for %s', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it('is false for a query error with a bad driver error inside', () => {
    expect(
      isDatabaseUnavailable(
        new QueryFailedError('SELECT', [], pgError('relation "x" does not exist', '42P01')),
      ),
    ).toBe(false);
  });

  it('stops on an error whose cause points back at itself', () => {
    const error = new Error('loop') as Error & { cause?: unknown };
    error.cause = error;
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

describe(describeDatabaseError.name, () => {
  it('gives the code and the first line of the message', () => {
    expect(
      describeDatabaseError(pgError('the database system is shutting down\nmore', '57P03')),
    ).toBe('57P03: the database system is shutting down');
  });

  it('does not repeat a code the message already names', () => {
    expect(
      describeDatabaseError(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')),
    ).toBe('connect ECONNREFUSED 127.0.0.1:5432');
  });
});
