// The client's credentials on a token request: one RFC 6749 §2.3.1 method for a workspace service, both at once
// for a Kyma Application, as Kyma's Application Gateway sends them (the Basic header of the id and secret as they
// are, not form-urlencoded).
import { describe, expect, it } from 'vitest';
import { authenticateTokenRequest, type TokenClientAuth } from '../../../gateway/security/token-client-auth';

const CLIENT = { clientId: 'erp client:1', clientSecret: 'p@ss wörd+/=&' };

function sent(method: TokenClientAuth) {
  const headers: Record<string, string | string[]> = {};
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  authenticateTokenRequest(method, CLIENT, headers, form);
  const basic = typeof headers.authorization === 'string' ? Buffer.from(headers.authorization.replace(/^Basic /, ''), 'base64').toString('utf8') : undefined;
  return { basic, form: Object.fromEntries(form) };
}

describe('authenticateTokenRequest', () => {
  it('client_secret_basic: a Basic header of the form-urlencoded id and secret, nothing in the form', () => {
    expect(sent('client_secret_basic')).toEqual({ basic: 'erp+client%3A1:p%40ss+w%C3%B6rd%2B%2F%3D%26', form: { grant_type: 'client_credentials' } });
  });

  it('client_secret_post: the form’s client_id and client_secret, no header', () => {
    expect(sent('client_secret_post')).toEqual({ basic: undefined, form: { grant_type: 'client_credentials', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret } });
  });

  it('tls_client_auth (RFC 8705 §2.1.1, Kyma’s OAuthWithCert): only the form’s client_id; the certificate authenticates', () => {
    expect(sent('tls_client_auth')).toEqual({ basic: undefined, form: { grant_type: 'client_credentials', client_id: CLIENT.clientId } });
  });

  it('kyma: the form’s fields and a Basic header of the id and secret as they are, as Kyma sends them', () => {
    expect(sent('kyma')).toEqual({ basic: `${CLIENT.clientId}:${CLIENT.clientSecret}`, form: { grant_type: 'client_credentials', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret } });
  });
});
