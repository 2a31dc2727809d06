// The service form's endpoint-security model: which vault writes typed-in values need, and what is refused before
// any of them is written, with the gateway's own rules.
import { describe, expect, it } from 'vitest';
import { endpointDraft, endpointOptionsFromDraft, secretWrites, type EndpointDraft } from '../../../../renderer/src/model/endpoint-security-draft';
import { checkOutboundCredentials } from '../../../../gateway/security/basic-endpoint';
import { NO_UTF8_FORM } from '../../../../gateway/config/lone-surrogates';

const draft = (patch: Partial<EndpointDraft>): EndpointDraft => ({ ...endpointDraft(undefined), ...patch });
const basic = (username: string, password: string) => draft({ type: 'basic', secret: 'erp-creds', enterNow: true, username, password });

describe('typed-in Basic credentials', () => {
  it('are refused on their field, with the gateway\'s words, when RFC 7617 cannot carry them; nothing is written', () => {
    const cases = [['a:b', 'pass', 'enteredUsername'], ['ok', 'tab\there', 'enteredPassword'], ['line\nbreak', 'pass', 'enteredUsername'], ['\uD800user', 'pass', 'enteredUsername'], ['ok', 'pa\uDC00ss', 'enteredPassword']] as const;
    for (const [username, password, field] of cases) {
      const { writes, problems } = secretWrites(basic(username, password), 'crm', 'production');
      let gatewaySays = '';
      try {
        checkOutboundCredentials(username, password, { type: 'basic', secret: 'erp-creds', usernameKey: 'username', passwordKey: 'password' }, 'service crm');
      } catch (error) {
        gatewaySays = (error as Error).message;
      }
      expect(problems).toEqual([{ environment: 'production', field: ['endpointSecurity', field], message: expect.any(String) }]);
      // The same rule, the same words: the gateway adds the service, secret and key.
      expect(gatewaySays).toContain(problems[0]!.message);
      expect(writes).toEqual([]);
    }
  });

  it('that the gateway can send are written', () => {
    expect(secretWrites(basic('crm-user', 'crm-pass'), 'crm', 'production')).toEqual({
      writes: [{ environment: 'production', field: ['endpointSecurity', 'secret'], name: 'erp-creds', data: { username: 'crm-user', password: 'crm-pass' } }],
      problems: [],
    });
  });
});

describe('typed-in OAuth client credentials', () => {
  const oauth = (clientId: string, clientSecret: string) => draft({ type: 'oauth2-client-credentials', tokenUrl: 'https://idp.test/token', secret: 'erp-oauth', enterNow: true, clientId, clientSecret });

  // A lone surrogate would be stored, and sent to the token endpoint, as U+FFFD: a credential nobody typed.
  // The gateway's own rule (gateway/config/lone-surrogates.ts), which it applies to the secret's keys when the config
  // is applied (test/gateway/security/lone-surrogate-credentials.test.ts).
  it('are refused on their field when one holds a lone UTF-16 surrogate; nothing is written', () => {
    for (const [clientId, clientSecret, field] of [['erp\uD800', 'secret', 'enteredClientId'], ['erp-client', '\uDFFFsecret', 'enteredClientSecret']] as const) {
      const { writes, problems } = secretWrites(oauth(clientId, clientSecret), 'erp', 'production');
      expect(problems).toEqual([{ environment: 'production', field: ['endpointSecurity', field], message: NO_UTF8_FORM }]);
      expect(writes).toEqual([]);
    }
  });

  it('a pair (an emoji) is no lone surrogate: written', () => {
    expect(secretWrites(oauth('erp-client', 'secret-😀'), 'erp', 'production').problems).toEqual([]);
  });
});

describe('OAuth with a client certificate to the token endpoint (tls_client_auth)', () => {
  const saved = { type: 'oauth2-client-credentials' as const, tokenUrl: 'https://idp.test/token', secret: 'erp-oauth', clientIdKey: 'clientId', clientSecretKey: 'clientSecret', clientAuth: 'tls_client_auth' as const, certificateKey: 'tls.crt', privateKeyKey: 'tls.key' };

  it('keeps the method and the certificate keys through the form, so saving it again changes nothing', () => {
    const out = endpointOptionsFromDraft(endpointDraft({ endpointSecurity: saved }), 'erp', 'production');
    expect(out.endpointSecurity).toEqual(saved);
  });

  it('writes the typed-in client id, certificate and key under those keys, and no client secret', () => {
    const typed = draft({ ...endpointDraft({ endpointSecurity: saved }), enterNow: true, clientId: 'erp-client', certificatePem: 'CERT', privateKeyPem: 'KEY' });
    expect(secretWrites(typed, 'erp', 'production')).toEqual({
      writes: [{ environment: 'production', field: ['endpointSecurity', 'secret'], name: 'erp-oauth', data: { clientId: 'erp-client', 'tls.crt': 'CERT', 'tls.key': 'KEY' } }],
      problems: [],
    });
  });
});

describe('typed-in request parameters', () => {
  const params = (headers: [string, string][], query: [string, string][]) =>
    draft({ paramsOn: true, paramsEnterNow: true, headers: headers.map(([name, value], i) => ({ id: i, name, value })), query: query.map(([name, value], i) => ({ id: 10 + i, name, value })) });

  it('refuse a row with a value but no name on its name, rather than dropping it unsaid; nothing is written', () => {
    const { writes, problems } = secretWrites(params([['x-key', 'k'], ['  ', 'lost']], [['', 'lost too']]), 'erp', 'sandbox');
    expect(problems).toEqual([
      { environment: 'sandbox', field: ['enteredParameterHeaders', 1, 'name'], message: "enter the header's name, or remove the row" },
      { environment: 'sandbox', field: ['enteredParameterQuery', 0, 'name'], message: "enter the query parameter's name, or remove the row" },
    ]);
    expect(writes).toEqual([]);
  });

  it('skip rows left empty', () => {
    const { writes, problems } = secretWrites(params([['x-key', 'k'], ['', '']], [['', ''], ['page', '2']]), 'erp', 'production');
    expect(problems).toEqual([]);
    expect(writes.map((w) => w.data)).toEqual([{ headers: '{"x-key":["k"]}', queryParameters: '{"page":["2"]}' }]);
  });
});
