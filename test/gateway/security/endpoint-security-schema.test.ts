import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { EndpointOptions, EndpointSecurity, endpointOptionsIssues, type EndpointOptionsInput } from '../../../gateway/config/endpoint-security-schema';
import { validateWith } from '../../../gateway/config/validate';

function errors(input: EndpointOptionsInput | Record<string, unknown>) {
  const result = validateWith(EndpointOptions, input);
  return result.ok ? [] : result.errors;
}

describe('EndpointSecurity', () => {
  it('keeps the basic shape and its defaults', () => {
    expect(EndpointSecurity.parse({ type: 'basic', secret: 'backend-creds' })).toEqual({ type: 'basic', secret: 'backend-creds', usernameKey: 'username', passwordKey: 'password' });
  });

  it('defaults OAuth to Kyma’s secret keys and client_secret_basic', () => {
    expect(EndpointSecurity.parse({ type: 'oauth2-client-credentials', tokenUrl: 'https://idp.example.com/oauth/token', secret: 'erp-oauth', namespace: 'kyma-integration' })).toEqual({
      type: 'oauth2-client-credentials',
      tokenUrl: 'https://idp.example.com/oauth/token',
      secret: 'erp-oauth',
      namespace: 'kyma-integration',
      clientIdKey: 'clientId',
      clientSecretKey: 'clientSecret',
      clientAuth: 'client_secret_basic',
    });
  });

  it('defaults client certificates to Kyma’s crt and key', () => {
    expect(EndpointSecurity.parse({ type: 'client-certificate', secret: 'erp-mtls', caKey: 'ca.crt' })).toEqual({ type: 'client-certificate', secret: 'erp-mtls', certificateKey: 'crt', privateKeyKey: 'key', caKey: 'ca.crt' });
  });
});

describe('EndpointOptions errors name the field', () => {
  const oauth = { type: 'oauth2-client-credentials', secret: 'erp-oauth' } as const;

  it.each([
    ['a non-URL token URL', { endpointSecurity: { ...oauth, tokenUrl: 'idp/token' } }, 'endpointSecurity.tokenUrl', 'not a valid URL (such as https://api.example.com/v1)'],
    ['an empty token URL', { endpointSecurity: { ...oauth, tokenUrl: '' } }, 'endpointSecurity.tokenUrl', 'required: a URL such as https://api.example.com/v1'],
    // Parsers differ on spaces and controls (Chromium takes "exa mple", Node refuses it, both drop a tab): the form and main agree by refusing them.
    ['a space in the host', { endpointSecurity: { ...oauth, tokenUrl: 'http://exa mple.com/token' } }, 'endpointSecurity.tokenUrl', 'no spaces, tabs, line breaks or other control characters'],
    ['a tab the parser would drop', { endpointSecurity: { ...oauth, tokenUrl: 'http://idp.exa\tmple.com/token' } }, 'endpointSecurity.tokenUrl', 'no spaces, tabs, line breaks or other control characters'],
    ['an ftp token URL', { endpointSecurity: { ...oauth, tokenUrl: 'ftp://idp.example.com/token' } }, 'endpointSecurity.tokenUrl', 'an http:// or https:// URL'],
    ['credentials in the token URL', { endpointSecurity: { ...oauth, tokenUrl: 'https://id:pw@idp.example.com/token' } }, 'endpointSecurity.tokenUrl', 'no credentials in the URL: keep them in a secret'],
    ['a fragment', { endpointSecurity: { ...oauth, tokenUrl: 'https://idp.example.com/token#x' } }, 'endpointSecurity.tokenUrl', 'no fragment (#...)'],
    ['an inline client secret', { endpointSecurity: { ...oauth, tokenUrl: 'https://idp.example.com/token', clientSecret: 'oops' } }, 'endpointSecurity', 'unknown field "clientSecret"'],
    ['an unknown client auth', { endpointSecurity: { ...oauth, tokenUrl: 'https://idp.example.com/token', clientAuth: 'private_key_jwt' } }, 'endpointSecurity.clientAuth', 'expected one of client_secret_basic, client_secret_post, tls_client_auth'],
    ['a scope with a quote', { endpointSecurity: { ...oauth, tokenUrl: 'https://idp.example.com/token', scope: 'read "all"' } }, 'endpointSecurity.scope', 'space-separated scope tokens (RFC 6749 §3.3)'],
    ['a scope with two spaces', { endpointSecurity: { ...oauth, tokenUrl: 'https://idp.example.com/token', scope: 'read  write' } }, 'endpointSecurity.scope', 'space-separated scope tokens (RFC 6749 §3.3)'],
    ['a secret key with a slash', { endpointSecurity: { type: 'client-certificate', secret: 'm', certificateKey: 'tls/crt' } }, 'endpointSecurity.certificateKey', 'a secret key name: letters, digits, ".", "_" or "-"'],
    ['a bad secret name', { requestParametersSecret: { secret: '-params' } }, 'requestParametersSecret.secret', 'a secret name: letters, digits, ".", "_" or "-", 1-63 characters, starting and ending with a letter or digit'],
    ['a CSRF URL that is not http', { csrf: { tokenEndpointUrl: 'file:///etc/passwd' } }, 'csrf.tokenEndpointUrl', 'an http:// or https:// URL'],
    ['Kyma’s spelling of the CSRF URL', { csrf: { tokenEndpointURL: 'https://erp.example.com/' } }, 'csrf', 'unknown field "tokenEndpointURL"'],
    ['skipVerify together with a CA', { tls: { skipVerify: true, caSecret: { secret: 'erp-ca' } } }, 'tls.caSecret', 'has no effect with skipVerify: true; remove one of the two'],
    ['an unknown type', { endpointSecurity: { type: 'digest', secret: 'x' } }, 'endpointSecurity.type', 'expected one of basic, oauth2-client-credentials, client-certificate'],
  ])('%s', (_case, input, path, message) => {
    expect(errors(input)).toContainEqual({ path, message });
  });

  it('accepts a token URL with a query (RFC 6749 §3.2) and fills the option defaults', () => {
    expect(
      EndpointOptions.parse({
        endpointSecurity: { ...oauth, tokenUrl: 'https://idp.example.com/token?tenant=acme' },
        csrf: { tokenEndpointUrl: 'https://erp.example.com/sap/opu/odata/' },
        requestParametersSecret: { secret: 'erp-params' },
        tls: { caSecret: { secret: 'erp-ca' } },
      }),
    ).toMatchObject({
      requestParametersSecret: { secret: 'erp-params', headersKey: 'headers', queryParametersKey: 'queryParameters' },
      tls: { skipVerify: false, caSecret: { secret: 'erp-ca', key: 'ca.crt' } },
    });
  });

  it('has a JSON Schema for editors', () => {
    expect(() => z.toJSONSchema(EndpointOptions, { io: 'input', unrepresentable: 'any' })).not.toThrow();
  });
});

describe('endpointOptionsIssues', () => {
  it('refuses a client certificate on a plain-http upstream', () => {
    const options = EndpointOptions.parse({ endpointSecurity: { type: 'client-certificate', secret: 'm' } });
    expect(endpointOptionsIssues('http', options)).toEqual([{ path: ['endpointSecurity', 'type'], message: 'client-certificate needs an https:// upstream: a certificate is only presented in a TLS handshake' }]);
    expect(endpointOptionsIssues('https', options)).toEqual([]);
  });

  it('refuses a CA from the client-certificate secret together with skipVerify', () => {
    const options = EndpointOptions.parse({ endpointSecurity: { type: 'client-certificate', secret: 'm', caKey: 'ca.crt' }, tls: { skipVerify: true } });
    expect(endpointOptionsIssues('https', options)).toEqual([{ path: ['endpointSecurity', 'caKey'], message: 'has no effect with tls.skipVerify: true; remove one of the two' }]);
  });

  it('refuses tls_client_auth towards a plain-http token URL, and certificate keys without tls_client_auth', () => {
    const oauth = { type: 'oauth2-client-credentials', secret: 'o', tokenUrl: 'http://idp.example.com/t' };
    expect(endpointOptionsIssues('https', EndpointOptions.parse({ endpointSecurity: { ...oauth, clientAuth: 'tls_client_auth' } }))).toEqual([
      { path: ['endpointSecurity', 'tokenUrl'], message: 'needs https:// with clientAuth tls_client_auth: a certificate is only presented in a TLS handshake' },
    ]);
    expect(endpointOptionsIssues('https', EndpointOptions.parse({ endpointSecurity: { ...oauth, tokenUrl: 'https://idp.example.com/t', clientAuth: 'tls_client_auth', certificateKey: 'tls.crt' } }))).toEqual([]);
    expect(endpointOptionsIssues('https', EndpointOptions.parse({ endpointSecurity: { ...oauth, privateKeyKey: 'tls.key' } }))).toEqual([
      { path: ['endpointSecurity', 'privateKeyKey'], message: 'is used only with clientAuth tls_client_auth' },
    ]);
  });

  it('does not throw on URLs that failed their own check (superRefine still runs)', () => {
    const raw = { tls: { skipVerify: true }, csrf: { tokenEndpointUrl: 'not a url' } } as unknown as EndpointOptions;
    expect(endpointOptionsIssues('http', raw)).toEqual([{ path: ['tls'], message: 'has no effect: neither the upstream nor a token endpoint uses https://' }]);
  });

  it('refuses TLS settings where nothing uses TLS, but not for an https token endpoint', () => {
    const plain = EndpointOptions.parse({ tls: { skipVerify: true } });
    expect(endpointOptionsIssues('http', plain)).toEqual([{ path: ['tls'], message: 'has no effect: neither the upstream nor a token endpoint uses https://' }]);
    const withTokenEndpoint = EndpointOptions.parse({ tls: { skipVerify: true }, endpointSecurity: { type: 'oauth2-client-credentials', secret: 'o', tokenUrl: 'HTTPS://idp.example.com/t' } });
    expect(endpointOptionsIssues('http', withTokenEndpoint)).toEqual([]);
    const withCsrf = EndpointOptions.parse({ tls: { skipVerify: true }, csrf: { tokenEndpointUrl: 'https://erp.example.com/' } });
    expect(endpointOptionsIssues('http', withCsrf)).toEqual([]);
  });
});
