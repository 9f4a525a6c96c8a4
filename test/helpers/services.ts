import { Redis } from 'ioredis';

/** The machine's services for `npm run test:services`; a suite that needs one fails without it. */
export function serviceUrl(name: 'SITEWATCH_TEST_REDIS_URL' | 'SITEWATCH_TEST_MQTT_URL'): string {
  const url = process.env[name];
  if (!url) {
    throw new Error(`${name} is not set: run this suite with npm run test:services`);
  }
  return url;
}

/** Empties the test's Redis database, so nothing of an earlier run is left. */
export async function flushRedis(url: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    await redis.flushdb();
  } finally {
    redis.disconnect();
  }
}
