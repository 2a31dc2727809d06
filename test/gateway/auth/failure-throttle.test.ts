import { describe, expect, it } from 'vitest';
import { FailureThrottle } from '../../../gateway/auth/failure-throttle';

describe('FailureThrottle', () => {
  it('blocks a client after maxFailures within the window, per client, until blockSeconds pass', () => {
    let now = 0;
    const throttle = new FailureThrottle({ maxFailures: 3, windowSeconds: 10, blockSeconds: 30 }, () => now);
    throttle.recordFailure('a');
    throttle.recordFailure('a');
    expect(throttle.retryAfterSeconds('a')).toBe(0);
    throttle.recordFailure('a');
    expect(throttle.retryAfterSeconds('a')).toBe(30);
    expect(throttle.retryAfterSeconds('b')).toBe(0);
    now = 29_500;
    expect(throttle.retryAfterSeconds('a')).toBe(1);
    now = 30_000;
    expect(throttle.retryAfterSeconds('a')).toBe(0);
  });

  it('starts a new window when failures are spread out', () => {
    let now = 0;
    const throttle = new FailureThrottle({ maxFailures: 2, windowSeconds: 10, blockSeconds: 30 }, () => now);
    throttle.recordFailure('a');
    now = 11_000;
    throttle.recordFailure('a');
    expect(throttle.retryAfterSeconds('a')).toBe(0);
  });

  it('keeps failures for their whole window: nothing forgives them, a sign-in included (basic-auth.test.ts)', () => {
    // A sign-in that cleared the count would let a client with one valid login guess at others' without end.
    let now = 0;
    const throttle = new FailureThrottle({ maxFailures: 2, windowSeconds: 10, blockSeconds: 30 }, () => now);
    throttle.recordFailure('a');
    now = 9_000;
    throttle.recordFailure('a');
    expect(throttle.retryAfterSeconds('a')).toBe(30);
  });

  it('keeps at most 50,000 clients: a flood of new addresses pushes out the least recently seen', () => {
    const throttle = new FailureThrottle({ maxFailures: 1, windowSeconds: 10, blockSeconds: 30 });
    throttle.recordFailure('first');
    throttle.recordFailure('second');
    expect(throttle.retryAfterSeconds('first')).toBe(30);
    for (let i = 0; i < 49_999; i += 1) throttle.recordFailure(`flood-${i}`);
    // 50,001 clients seen; 'first' was read last after 'second' was written, so 'second' is the one pushed out.
    expect(throttle.retryAfterSeconds('second')).toBe(0);
    expect(throttle.retryAfterSeconds('first')).toBe(30);
    expect(throttle.retryAfterSeconds('flood-0')).toBe(30);
  });

  it('leaves loopback clients alone by default and throttles them with loopback: true; other addresses either way', () => {
    const loopbackClients = ['127.0.0.1', '127.0.0.2', '::1', '::ffff:127.0.0.1'];
    const byDefault = new FailureThrottle({ maxFailures: 1, windowSeconds: 10, blockSeconds: 30 });
    const withLoopback = new FailureThrottle({ maxFailures: 1, windowSeconds: 10, blockSeconds: 30, loopback: true });
    for (const client of [...loopbackClients, '192.0.2.7', '::ffff:192.0.2.7', '2001:db8::7']) {
      byDefault.recordFailure(client);
      withLoopback.recordFailure(client);
    }
    for (const client of loopbackClients) {
      expect(byDefault.retryAfterSeconds(client), client).toBe(0);
      expect(withLoopback.retryAfterSeconds(client), client).toBe(30);
    }
    for (const client of ['192.0.2.7', '::ffff:192.0.2.7', '2001:db8::7']) {
      expect(byDefault.retryAfterSeconds(client), client).toBe(30);
      expect(withLoopback.retryAfterSeconds(client), client).toBe(30);
    }
  });

  it('lets loopback clients blocked under loopback: true go once it is turned off', () => {
    const throttle = new FailureThrottle({ maxFailures: 1, windowSeconds: 10, blockSeconds: 30, loopback: true });
    throttle.recordFailure('127.0.0.1');
    expect(throttle.retryAfterSeconds('127.0.0.1')).toBe(30);
    throttle.configure({ maxFailures: 1, windowSeconds: 10, blockSeconds: 30, loopback: false });
    expect(throttle.retryAfterSeconds('127.0.0.1')).toBe(0);
  });
});
