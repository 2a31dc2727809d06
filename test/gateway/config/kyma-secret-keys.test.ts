import { describe, expect, it } from 'vitest';
import { KYMA_CREDENTIAL_KEYS, KYMA_REQUEST_PARAMETER_KEYS } from '../../../gateway/config/kyma-secret-keys';
import { KYMA_CREDENTIAL_TYPES } from '../../../gateway/config/kyma-application-schema';
import { kymaApplicationServices } from '../../../gateway/config/kyma-services';
import { KymaApplication } from '../../../gateway/config/kyma-application-schema';

describe('the keys of Kyma credential Secrets', () => {
  it("are Kyma's Application Gateway keys for every credential type", () => {
    expect(Object.keys(KYMA_CREDENTIAL_KEYS).sort()).toEqual([...KYMA_CREDENTIAL_TYPES].sort());
    expect(KYMA_CREDENTIAL_KEYS).toEqual({ Basic: ['username', 'password'], OAuth: ['clientId', 'clientSecret'], OAuthWithCert: ['clientId', 'crt', 'key'], CertificateGen: ['crt', 'key'] });
    expect(KYMA_REQUEST_PARAMETER_KEYS).toEqual(['headers', 'queryParameters']);
  });

  it('are the keys the gateway reads from the vault for a Kyma service', () => {
    const app = KymaApplication.parse({
      name: 'erp',
      services: [
        { id: '1', name: 'basic', displayName: 'Basic', entries: [{ type: 'API', targetUrl: 'https://a.test', credentials: { type: 'Basic', secretName: 'b' }, requestParametersSecretName: 'p' }] },
        { id: '2', name: 'oauth', displayName: 'OAuth', entries: [{ type: 'API', targetUrl: 'https://a.test', credentials: { type: 'OAuth', secretName: 'o', authenticationUrl: 'https://idp.test/token' } }] },
        { id: '3', name: 'cert', displayName: 'Cert', entries: [{ type: 'API', targetUrl: 'https://a.test', credentials: { type: 'CertificateGen', secretName: 'c' } }] },
        { id: '4', name: 'oauth-cert', displayName: 'OAuth cert', entries: [{ type: 'API', targetUrl: 'https://a.test', credentials: { type: 'OAuthWithCert', secretName: 'oc', authenticationUrl: 'https://idp.test/token' } }] },
      ],
    });
    const [basic, oauth, cert, oauthCert] = kymaApplicationServices(app);
    expect(oauthCert!.endpointSecurity).toMatchObject({ clientAuth: 'tls_client_auth', clientIdKey: 'clientId', certificateKey: 'crt', privateKeyKey: 'key' });
    expect(basic!.endpointSecurity).toMatchObject({ usernameKey: 'username', passwordKey: 'password' });
    expect(basic!.requestParametersSecret).toMatchObject({ headersKey: 'headers', queryParametersKey: 'queryParameters' });
    expect(oauth!.endpointSecurity).toMatchObject({ clientIdKey: 'clientId', clientSecretKey: 'clientSecret' });
    expect(cert!.endpointSecurity).toMatchObject({ certificateKey: 'crt', privateKeyKey: 'key' });
  });

  it('needs an https:// authenticationUrl for OAuthWithCert, where the certificate is presented, naming the field', () => {
    const entry = (authenticationUrl?: string) => ({ type: 'API', targetUrl: 'https://a.test', credentials: { type: 'OAuthWithCert', secretName: 'oc', ...(authenticationUrl ? { authenticationUrl } : {}) } });
    const issues = (authenticationUrl?: string) => {
      const parsed = KymaApplication.safeParse({ name: 'erp', services: [{ id: '1', name: 'x', displayName: 'X', entries: [entry(authenticationUrl)] }] });
      return parsed.success ? [] : parsed.error.issues.map((i) => [i.path.join('.'), i.message]);
    };
    expect(issues()).toEqual([['services.0.entries.0.credentials.authenticationUrl', 'required for type OAuthWithCert']]);
    expect(issues('http://idp.test/token')).toEqual([['services.0.entries.0.credentials.authenticationUrl', 'needs https:// for type OAuthWithCert: the client certificate is only presented in a TLS handshake']]);
    expect(issues('https://idp.test/token')).toEqual([]);
  });
});
