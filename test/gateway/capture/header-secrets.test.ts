// Which parts of a credential header the inspector searches echoes for: the secret, not its scheme, user name
// or cookie name; a part too short to search for alone is searched for with what surrounds it.
import { describe, expect, it } from 'vitest';
import { headerSecrets } from '../../../gateway/capture/header-secrets';
import { basic } from '../../support/gateway';

describe('headerSecrets', () => {
  it('takes a token after its scheme, a Basic credential and its password', () => {
    expect(headerSecrets('authorization', 'Bearer tok-123456')).toEqual(['tok-123456']);
    expect(headerSecrets('authorization', basic('svc', 'pw"with\\quote'))).toEqual([basic('svc', 'pw"with\\quote').slice(6), 'pw"with\\quote']);
    expect(headerSecrets('proxy-authorization', basic('svc', 'pw'))).toEqual([basic('svc', 'pw').slice(6), 'svc:pw']);
    expect(headerSecrets('authorization', 'opaque-token')).toEqual(['opaque-token']);
  });

  it('takes each cookie’s value, and a Set-Cookie’s first pair only', () => {
    expect(headerSecrets('cookie', 'SAP_SESSIONID=abc123def; lang=en; ; flag')).toEqual(['abc123def', 'lang=en', 'flag']);
    expect(headerSecrets('set-cookie', 'sid=s3cr3t-v4lue; Path=/; HttpOnly')).toEqual(['s3cr3t-v4lue']);
  });

  it('takes any other credential header whole, a base64 key with its padding too', () => {
    expect(headerSecrets('x-api-key', 'YWJjZGVm==')).toEqual(['YWJjZGVm==']);
    expect(headerSecrets('x-csrf-token', 'Tok en=1')).toEqual(['Tok en=1']);
  });
});
