import { describe, expect, it } from 'vitest';
import { tokenRequestParameters } from '../../../gateway/security/token-request-parameters';
import { RequestParametersError } from '../../../gateway/security/request-parameters';
import { OAuth2ClientCredentialsSecurity } from '../../../gateway/config/endpoint-security-schema';

const security = OAuth2ClientCredentialsSecurity.parse({
  type: 'oauth2-client-credentials', tokenUrl: 'https://idp.test/token', secret: 'erp-oauth', namespace: 'kyma-integration',
  tokenRequestHeadersKey: 'headers', tokenRequestQueryParametersKey: 'queryParameters',
});

/** A secret's data as the gateway's secret sources hand it out. */
function secretWith(data: Record<string, string>) {
  return (_ref: unknown, key: string) => Promise.resolve(data[key]);
}

async function refusal(data: Record<string, string>): Promise<RequestParametersError> {
  const error = await tokenRequestParameters(security, secretWith(data)).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(RequestParametersError);
  return error as RequestParametersError;
}

describe('tokenRequestParameters', () => {
  it('reads the named keys; a key the secret lacks adds nothing', async () => {
    const both = await tokenRequestParameters(security, secretWith({ headers: '{"X-Tenant": ["acme"]}', queryParameters: '{"audience": ["erp"]}' }));
    expect([...both.headers]).toEqual([['x-tenant', ['acme']]]);
    expect([...both.queryParameters]).toEqual([['audience', ['erp']]]);
    const none = await tokenRequestParameters(security, secretWith({ clientId: 'c', clientSecret: 's' }));
    expect(none.headers.size + none.queryParameters.size).toBe(0);
  });

  it('reads nothing when no key is named', async () => {
    const plain = OAuth2ClientCredentialsSecurity.parse({ type: 'oauth2-client-credentials', tokenUrl: 'https://idp.test/token', secret: 'erp-oauth' });
    const parameters = await tokenRequestParameters(plain, secretWith({ headers: 'not json' }));
    expect(parameters.headers.size).toBe(0);
  });

  it('refuses a document that is not JSON, naming secret and key, quoting no value', async () => {
    const error = await refusal({ queryParameters: '{"audience": "s3cr3t-audience' });
    expect(error.message).toBe('secret "kyma-integration/erp-oauth" key "queryParameters": not valid JSON');
  });

  it('refuses the headers the token request sets itself: a second client authentication, another content type', async () => {
    expect((await refusal({ headers: '{"Authorization": ["Bearer s3cr3t"]}' })).message).toBe(
      'secret "kyma-integration/erp-oauth" key "headers"["authorization"]: the token request sets this header itself (content type and client authentication) and cannot take it from the secret',
    );
    expect((await refusal({ headers: '{"Content-Type": ["application/json"]}' })).message).toContain('["content-type"]: the token request sets this header itself');
  });
});
