import { describe, expect, it } from 'vitest';
import { isLoopbackAddress } from '../../../gateway/http/loopback-address';

describe('isLoopbackAddress', () => {
  it.each(['127.0.0.1', '127.0.0.2', '127.255.255.254', '::1', '::ffff:127.0.0.1', '::ffff:127.1.2.3'])('%s is loopback', (address) => {
    expect(isLoopbackAddress(address)).toBe(true);
  });

  it.each(['10.0.0.1', '192.168.1.127', '128.0.0.1', '1.127.0.0', '::2', '::ffff:10.0.0.1', 'fe80::1', '2001:db8::127', 'unknown'])('%s is not', (address) => {
    expect(isLoopbackAddress(address)).toBe(false);
  });
});
