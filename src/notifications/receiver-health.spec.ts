import { hostOf, PER_RECEIVER, ReceiverHealth } from './receiver-health.js';

const A = 'https://hooks.example.com/services/T000/B000/SECRET';
const B = 'http://127.0.0.1:9000/alerts';

describe(ReceiverHealth.name, () => {
  it('holds a failing receiver back for its backoff and lets the others go', () => {
    const health = new ReceiverHealth([A, B, A]);
    expect(health.ready(0)).toEqual([A, B]);
    health.retrying(A, 'HTTP 503', 100);
    expect(health.ready(100.5)).toEqual([B]);
    expect(health.ready(101)).toEqual([A, B]);
    health.retrying(A, 'HTTP 503', 101);
    expect(health.ready(102.9)).toEqual([B]);
    expect(health.ready(103)).toEqual([A, B]);
  });

  it('gives one receiver a bounded number of requests at once', () => {
    const health = new ReceiverHealth([A, B]);
    for (let i = 0; i < PER_RECEIVER; i++) {
      health.started(B);
    }
    expect(health.ready(0)).toEqual([A]);
    expect(health.room([A])).toBe(PER_RECEIVER);
    health.ended(B);
    expect(health.ready(0)).toEqual([A, B]);
    expect(health.room([A, B])).toBe(PER_RECEIVER + 1);
  });

  it('reports failing receivers by host only, until they take a delivery', () => {
    const health = new ReceiverHealth([A, B]);
    expect(health.failingDetail()).toBeUndefined();
    health.retrying(A, 'HTTP 500', 0);
    health.rejected(B, 'HTTP 404, not retried');
    expect(health.failingDetail()).toBe(
      'hooks.example.com: HTTP 500, retrying; 127.0.0.1:9000: HTTP 404, not retried',
    );
    expect(health.failingDetail()).not.toContain('SECRET');
    health.succeeded(A);
    health.succeeded(B);
    expect(health.failingDetail()).toBeUndefined();
    expect(health.ready(0)).toEqual([A, B]);
  });
});

describe(hostOf.name, () => {
  it('drops path and query, which may hold a secret', () => {
    expect(hostOf('https://user:pw@ntfy.sh:8443/topic?auth=x')).toBe('ntfy.sh:8443');
  });
});
