import fc from 'fast-check';
import {
  ConfigError,
  type Env,
  readEnum,
  readHost,
  readInt,
  readList,
  readOptionalPattern,
  readOptionalString,
  readPattern,
  readPort,
  readString,
  readUrl,
} from './env-parsers.js';

const NAME = 'SOME_VARIABLE';

/** A parser's answer: its value, or the ConfigError it threw. Any other throw fails the test. */
function attempt<T>(read: () => T): { ok: true; value: T } | { ok: false; error: ConfigError } {
  try {
    return { ok: true, value: read() };
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const { message } = error as ConfigError;
    expect(message.startsWith(`Invalid ${NAME}=`)).toBe(true);
    return { ok: false, error: error as ConfigError };
  }
}

/** Values as they come from a shell or a .env file: anything, numbers, padded, blank. */
const value = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer({ min: -100000, max: 200000 }).map(String),
  fc.double().map(String),
  fc.constantFrom('', ' ', '\t', '0', '-0', '007', '1e3', '0x10', '1.0', '99999999999999999999'),
  fc
    .tuple(fc.constantFrom('', ' ', '\t'), fc.nat(70000), fc.constantFrom('', ' ', '\n'))
    .map(([a, n, b]) => `${a}${n}${b}`),
);
const envOf = (v: string | undefined): Env => (v === undefined ? {} : { [NAME]: v });
const maybe = fc.option(value, { nil: undefined });
const isBlank = (v: string | undefined) => v === undefined || v.trim() === '';

describe('env parsers properties', () => {
  it('readInt gives a whole number in range, the fallback when blank, or a ConfigError', () => {
    fc.assert(
      fc.property(
        maybe,
        fc.integer({ min: -1000, max: 1000 }),
        fc.integer({ min: 0, max: 100000 }),
        (v, min, span) => {
          const max = min + span;
          const answer = attempt(() => readInt(envOf(v), NAME, min, min, max));
          if (isBlank(v)) {
            expect(answer).toEqual({ ok: true, value: min });
          } else if (answer.ok) {
            expect(Number.isSafeInteger(answer.value)).toBe(true);
            expect(answer.value).toBeGreaterThanOrEqual(min);
            expect(answer.value).toBeLessThanOrEqual(max);
            expect(/^-?\d+$/.test(v!.trim())).toBe(true);
            expect(answer.value).toBe(Number(v!.trim()));
          } else {
            const n = Number(v!.trim());
            expect(/^-?\d+$/.test(v!.trim()) && n >= min && n <= max).toBe(false);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('readPort takes every port 0–65535 however it is padded, and nothing else', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -70000, max: 140000 }),
        fc.constantFrom('', ' ', '  '),
        fc.constantFrom('', ' ', '\r'),
        (port, before, after) => {
          const answer = attempt(() => readPort(envOf(`${before}${port}${after}`), NAME, 8000));
          expect(answer.ok).toBe(port >= 0 && port <= 65535);
          if (answer.ok) {
            expect(answer.value).toBe(port);
          }
        },
      ),
    );
  });

  it('readHost gives a host name or IP literal, or a ConfigError', () => {
    fc.assert(
      fc.property(maybe, (v) => {
        const answer = attempt(() => readHost(envOf(v), NAME, '127.0.0.1'));
        if (answer.ok) {
          expect(answer.value).toMatch(/^[A-Za-z0-9.:_-]{1,253}$/);
          expect(answer.value).toBe(isBlank(v) ? '127.0.0.1' : v!.trim());
        }
      }),
      { numRuns: 300 },
    );
  });

  it('readEnum gives one of its values, or a ConfigError', () => {
    const allowed = ['open', 'token', 'info'] as const;
    fc.assert(
      fc.property(fc.oneof(maybe, fc.constantFrom(...allowed, ' open ', 'OPEN')), (v) => {
        const answer = attempt(() => readEnum(envOf(v), NAME, 'open', allowed));
        if (answer.ok) {
          expect(allowed).toContain(answer.value);
        }
        expect(answer.ok).toBe(isBlank(v) || (allowed as readonly string[]).includes(v!.trim()));
      }),
      { numRuns: 300 },
    );
  });

  it('readUrl gives a URL of an allowed protocol, nothing when blank, or a ConfigError', () => {
    const url = fc.oneof(
      fc.webUrl({ validSchemes: ['redis', 'rediss', 'http', 'mqtt'] }),
      fc.string({ maxLength: 30 }).map((s) => `redis://${s}`),
      value,
    );
    fc.assert(
      fc.property(fc.option(url, { nil: undefined }), (v) => {
        const answer = attempt(() => readUrl(envOf(v), NAME, ['redis:', 'rediss:']));
        if (answer.ok) {
          if (isBlank(v)) {
            expect(answer.value).toBeUndefined();
          } else {
            expect(['redis:', 'rediss:']).toContain(answer.value!.protocol);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('readList gives trimmed items that all pass the check, or a ConfigError', () => {
    const item = fc.oneof(fc.stringMatching(/^[a-z]{1,5}$/), fc.string({ maxLength: 6 }));
    fc.assert(
      fc.property(
        fc.oneof(
          maybe,
          fc.array(item, { maxLength: 120 }).map((items) => items.join(',')),
          fc.array(fc.stringMatching(/^ ?[a-z]{1,5} ?$/), { maxLength: 5 }).map((i) => i.join(',')),
        ),
        (v) => {
          const answer = attempt(() =>
            readList(envOf(v), NAME, (s) => /^[a-z]+$/.test(s), 'words'),
          );
          if (answer.ok) {
            expect(answer.value.length).toBeLessThanOrEqual(100);
            for (const word of answer.value) {
              expect(word).toMatch(/^[a-z]+$/);
            }
            if (!isBlank(v)) {
              const expected = v!
                .split(',')
                .map((s) => s.trim())
                .filter((s) => s !== '');
              expect(answer.value).toEqual(expected);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('readPattern and readOptionalPattern give a value matching the pattern, or a ConfigError', () => {
    const pattern = /^[A-Za-z0-9_-]{1,64}$/;
    fc.assert(
      fc.property(fc.oneof(maybe, fc.stringMatching(pattern)), (v) => {
        const optional = attempt(() => readOptionalPattern(envOf(v), NAME, pattern, 'words'));
        const withFallback = attempt(() =>
          readPattern(envOf(v), NAME, 'gateway', pattern, 'words'),
        );
        expect(withFallback.ok).toBe(optional.ok);
        if (optional.ok && withFallback.ok) {
          expect(withFallback.value).toBe(optional.value ?? 'gateway');
          if (optional.value !== undefined) {
            expect(optional.value).toMatch(pattern);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('readString and readOptionalString bound the length and trim', () => {
    fc.assert(
      fc.property(
        fc.oneof(maybe, fc.string({ maxLength: 300 })),
        fc.integer({ min: 'fallback'.length, max: 200 }),
        (v, maxLength) => {
          const required = attempt(() => readString(envOf(v), NAME, 'fallback', maxLength));
          const optional = attempt(() => readOptionalString(envOf(v), NAME, maxLength));
          if (isBlank(v)) {
            expect(required).toEqual({ ok: true, value: 'fallback' });
            expect(optional).toEqual({ ok: true, value: undefined });
            return;
          }
          const trimmed = v!.trim();
          expect(optional.ok).toBe(trimmed.length <= maxLength);
          expect(required.ok).toBe(optional.ok);
          if (required.ok) {
            expect(required.value).toBe(trimmed);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('puts the variable and its value in every ConfigError message', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }), (v) => {
        fc.pre(v.trim() !== '' && !/^-?\d+$/.test(v.trim()));
        const answer = attempt(() => readInt(envOf(v), NAME, 1, 0, 10));
        expect(answer.ok).toBe(false);
        if (!answer.ok) {
          expect(answer.error.name).toBe('ConfigError');
          expect(answer.error.message).toContain(JSON.stringify(v.trim()));
          expect(answer.error.message).toContain('a whole number from 0 to 10');
        }
      }),
    );
  });
});
