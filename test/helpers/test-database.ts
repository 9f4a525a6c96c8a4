import pg from 'pg';
import { randomBytes } from 'node:crypto';

/**
 * `npm run test:services` sets SITEWATCH_TEST_DATABASE_URL; each test app then gets a database
 * of its own on that server, dropped afterwards. Unset: SQLite files in a temp folder.
 */
export function testDatabaseServerUrl(): string | undefined {
  return process.env.SITEWATCH_TEST_DATABASE_URL || undefined;
}

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

async function admin<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty PostgreSQL database; fails (never skips) when the server cannot be reached. */
export async function createScratchDatabase(serverUrl: string): Promise<ScratchDatabase> {
  const name = `sitewatch_test_${randomBytes(6).toString('hex')}`;
  await admin(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () =>
      admin(serverUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
      ).then(() => undefined),
  };
}
