import { describe, expect, it } from 'vitest';
import { FailureThrottle } from '../../../gateway/auth/failure-throttle';
import { CredentialStore } from '../../../gateway/auth/credential-store';

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

describe('CredentialStore', () => {
  it('verifies by keyed digest and never matches an empty password', () => {
    const store = new CredentialStore<string>();
    store.add('alex', '123456', 'alex-consumer');
    store.add('nopw', '', 'nopw-consumer');
    expect(store.verify('alex', '123456')).toEqual({ consumer: 'alex-consumer', login: 'alex' });
    expect(store.verify('alex', '1234567')).toBeUndefined();
    expect(store.verify('alex', '')).toBeUndefined();
    expect(store.verify('nopw', '')).toBeUndefined();
    expect(store.verify('bob', '123456')).toBeUndefined();
  });

  it('holds no password in a readable form', () => {
    const store = new CredentialStore<string>();
    store.add('alex', 'super-secret-value', 'alex');
    expect(JSON.stringify(store)).not.toContain('super-secret-value');
  });
});
