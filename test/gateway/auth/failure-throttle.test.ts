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
});
