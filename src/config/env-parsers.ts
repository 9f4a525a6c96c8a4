/** Thrown for a bad environment value; its message is the one line the process prints before exiting. */
export class ConfigError extends Error {
  constructor(name: string, value: string, allowed: string) {
    super(`Invalid ${name}=${JSON.stringify(value)}: expected ${allowed}`);
    this.name = 'ConfigError';
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

/** Reads one variable; an empty string counts as unset so `PORT=` in a .env falls back to the default. */
function raw(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

export function readString(env: Env, name: string, fallback: string, maxLength = 1024): string {
  const value = raw(env, name) ?? fallback;
  if (value.length > maxLength) {
    throw new ConfigError(name, value, `at most ${maxLength} characters`);
  }
  return value;
}

export function readOptionalString(env: Env, name: string, maxLength = 1024): string | undefined {
  const value = raw(env, name);
  if (value !== undefined && value.length > maxLength) {
    throw new ConfigError(name, value, `at most ${maxLength} characters`);
  }
  return value;
}

export function readInt(
  env: Env,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const value = raw(env, name);
  if (value === undefined) {
    return fallback;
  }
  const parsed = /^-?\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    throw new ConfigError(name, value, `a whole number from ${min} to ${max}`);
  }
  return parsed;
}

/** A whole number from `min` to `max`, or undefined when unset. */
export function readOptionalInt(
  env: Env,
  name: string,
  min: number,
  max: number,
): number | undefined {
  return raw(env, name) === undefined ? undefined : readInt(env, name, min, min, max);
}

export function readPort(env: Env, name: string, fallback: number): number {
  return readInt(env, name, fallback, 0, 65535);
}

export function readEnum<T extends string>(
  env: Env,
  name: string,
  fallback: T,
  allowed: readonly T[],
): T {
  const value = raw(env, name) ?? fallback;
  if (!allowed.includes(value as T)) {
    throw new ConfigError(name, value, `one of ${allowed.join(', ')}`);
  }
  return value as T;
}

export function readHost(env: Env, name: string, fallback: string): string {
  const value = raw(env, name) ?? fallback;
  // A host name or an IPv4/IPv6 literal; anything with spaces, slashes or a scheme is a mistake.
  if (!/^[A-Za-z0-9.:_-]{1,253}$/.test(value)) {
    throw new ConfigError(name, value, 'a host name or IP address such as 127.0.0.1 or 0.0.0.0');
  }
  return value;
}

export function readUrl(env: Env, name: string, protocols: readonly string[]): URL | undefined {
  const value = raw(env, name);
  if (value === undefined) {
    return undefined;
  }
  const allowed = `a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(name, value, allowed);
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(name, value, allowed);
  }
  return url;
}

export function readList(
  env: Env,
  name: string,
  check: (item: string) => boolean,
  allowed: string,
): string[] {
  const value = raw(env, name);
  if (value === undefined) {
    return [];
  }
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (items.length > 100 || !items.every(check)) {
    throw new ConfigError(name, value, allowed);
  }
  return items;
}

export function readPattern(
  env: Env,
  name: string,
  fallback: string,
  pattern: RegExp,
  allowed: string,
): string {
  return readOptionalPattern(env, name, pattern, allowed) ?? fallback;
}

export function readOptionalPattern(
  env: Env,
  name: string,
  pattern: RegExp,
  allowed: string,
): string | undefined {
  const value = raw(env, name);
  if (value !== undefined && !pattern.test(value)) {
    throw new ConfigError(name, value, allowed);
  }
  return value;
}
