import {
  describeFailure,
  errorText,
  GIVE_UP_SECONDS,
  nextAttemptAt,
  retryAfterSeconds,
  retryDelaySeconds,
  verdictOf,
} from './delivery-policy.js';

describe(retryDelaySeconds.name, () => {
  it('starts at 1 s and doubles up to 10 minutes', () => {
    const delays = Array.from({ length: 14 }, (_, i) => retryDelaySeconds(i + 1));
    expect(delays).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 600, 600, 600, 600]);
  });

  it('stays finite after very many attempts', () => {
    expect(retryDelaySeconds(10_000)).toBe(600);
  });
});

describe(nextAttemptAt.name, () => {
  const created = 1_780_000_000;

  it('schedules the backoff from the failed attempt', () => {
    expect(nextAttemptAt(1, created, created + 0.5)).toBe(created + 1.5);
    expect(nextAttemptAt(3, created, created + 10)).toBe(created + 14);
  });

  it('honours Retry-After up to the 10-minute cap', () => {
    expect(nextAttemptAt(1, created, created, 30)).toBe(created + 30);
    expect(nextAttemptAt(1, created, created, 86400)).toBe(created + 600);
  });

  it('puts the last retry on the 24 h deadline and gives up after it', () => {
    const deadline = created + GIVE_UP_SECONDS;
    expect(nextAttemptAt(200, created, deadline - 60)).toBe(deadline);
    expect(nextAttemptAt(201, created, deadline)).toBeNull();
  });
});

describe(verdictOf.name, () => {
  it.each([200, 201, 202, 204, 299])('%i is delivered', (status) => {
    expect(verdictOf(status)).toBe('sent');
  });

  it.each([408, 429, 500, 502, 503, 504])('%i is retried', (status) => {
    expect(verdictOf(status)).toBe('retry');
  });

  it.each([301, 302, 400, 401, 403, 404, 410, 413, 422])('%i is refused for good', (status) => {
    expect(verdictOf(status)).toBe('reject');
  });
});

describe(retryAfterSeconds.name, () => {
  const now = 1_780_000_000;

  it('reads delta seconds and HTTP dates', () => {
    expect(retryAfterSeconds('120', now)).toBe(120);
    expect(retryAfterSeconds(new Date((now + 30) * 1000).toUTCString(), now)).toBe(30);
  });

  it('reads nothing from absent, past or unreadable values', () => {
    expect(retryAfterSeconds(null, now)).toBe(0);
    expect(retryAfterSeconds('soon', now)).toBe(0);
    expect(retryAfterSeconds(new Date((now - 30) * 1000).toUTCString(), now)).toBe(0);
  });
});

describe(errorText.name, () => {
  it('keeps one bounded line', () => {
    const text = errorText(`bad\r\nthing ${'x'.repeat(1000)}`);
    expect(text).toMatch(/^bad thing x+…$/);
    expect(text).toHaveLength(500);
  });
});

describe(describeFailure.name, () => {
  it('names the socket error that fetch hides in its cause', () => {
    const error = new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
    expect(describeFailure(error)).toBe('fetch failed: ECONNREFUSED');
  });

  it('says a timeout plainly', () => {
    const error = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    expect(describeFailure(error)).toBe('no answer within the timeout');
  });
});
