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

  it('forgets failures after a success', () => {
    const throttle = new FailureThrottle({ maxFailures: 2, windowSeconds: 10, blockSeconds: 30 });
    throttle.recordFailure('a');
    throttle.recordSuccess('a');
    throttle.recordFailure('a');
    expect(throttle.retryAfterSeconds('a')).toBe(0);
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
});
