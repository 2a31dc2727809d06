import { describe, expect, it } from 'vitest';
import { presentedCredentials, REPEATED } from '../../../gateway/auth/presented-credentials';

describe('presentedCredentials', () => {
  it('reads Authorization and Proxy-Authorization whatever their case, and nothing else', () => {
    expect(presentedCredentials(['Host', 'x', 'AUTHORIZATION', 'a', 'proxy-AUTHORIZATION', 'p', 'X-Authorization', 'no', 'Proxy-Authenticate', 'no'])).toEqual({ authorization: 'a', proxyAuthorization: 'p' });
    expect(presentedCredentials(['Host', 'x'])).toEqual({ authorization: undefined, proxyAuthorization: undefined });
  });

  it('marks a header sent twice as repeated, even with the same value', () => {
    expect(presentedCredentials(['authorization', 'a', 'Authorization', 'a'])).toEqual({ authorization: REPEATED, proxyAuthorization: undefined });
    expect(presentedCredentials(['Proxy-Authorization', 'p', 'authorization', 'a', 'proxy-authorization', 'q', 'proxy-authorization', 'r'])).toEqual({ authorization: 'a', proxyAuthorization: REPEATED });
  });
});
