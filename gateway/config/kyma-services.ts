import type { KymaApplication, KymaService } from './kyma-application-schema';
import type { EndpointOptions } from './endpoint-security-schema';
import type { Service } from './schema';
import { KYMA_CREDENTIAL_KEYS, KYMA_REQUEST_PARAMETER_KEYS } from './kyma-secret-keys';

/** Longest service segment Kyma's NormalizeName keeps. */
const KYMA_SEGMENT_MAX_LENGTH = 57;

/**
 * The service's path segment, as Kyma's Application Gateway matches it (pkg/normalization NormalizeName): each
 * run of characters other than A-Z, a-z and 0-9 made one '-', lower-cased, one trailing '-' dropped, cut to 57
 * characters, then one leading '-' dropped. The steps keep Kyma's order, so a cut can leave a trailing '-'
 * ("Orders  API (v2)!" → "orders-api-v2", "Café" → "caf").
 */
export function kymaServiceSegment(displayName: string): string {
  const dashed = displayName.replace(/[^A-Za-z0-9]+/gu, '-').toLowerCase();
  const withoutTrailingDash = dashed.endsWith('-') ? dashed.slice(0, -1) : dashed;
  const cut = withoutTrailingDash.slice(0, KYMA_SEGMENT_MAX_LENGTH);
  return cut.startsWith('-') ? cut.slice(1) : cut;
}

/**
 * Kyma's rule for a service name, from its display name: lower-case letters, digits and single "-", at most 63
 * characters, accents dropped ("Café" → "cafe"). Empty when nothing usable is left.
 */
export function kymaServiceName(displayName: string): string {
  return displayName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 63)
    .replace(/-+$/, '');
}

function entryOptions(app: KymaApplication, entry: KymaService['entries'][number]): EndpointOptions {
  const namespace = app.namespace;
  const credentials = entry.credentials;
  const options: EndpointOptions = {};
  if (credentials?.type === 'Basic') {
    const [usernameKey, passwordKey] = KYMA_CREDENTIAL_KEYS.Basic;
    options.endpointSecurity = { type: 'basic', secret: credentials.secretName, namespace, usernameKey, passwordKey };
  }
  if (credentials?.type === 'OAuth') {
    const [clientIdKey, clientSecretKey] = KYMA_CREDENTIAL_KEYS.OAuth;
    // Kyma sends the OAuth secret's own `headers` and `queryParameters` on the token request. It also sends the
    // client's id and secret both in the form and in a Basic header, which no `clientAuth` of a workspace service
    // does (RFC 6749 §2.3.1 allows one method): the config compiles an Application's entry that way
    // (compile-config.ts, gateway/security/token-client-auth.ts), and `clientAuth` here is not used.
    const [tokenRequestHeadersKey, tokenRequestQueryParametersKey] = KYMA_REQUEST_PARAMETER_KEYS;
    options.endpointSecurity = { type: 'oauth2-client-credentials', tokenUrl: credentials.authenticationUrl!, secret: credentials.secretName, namespace, clientIdKey, clientSecretKey, clientAuth: 'client_secret_basic', tokenRequestHeadersKey, tokenRequestQueryParametersKey };
  }
  if (credentials?.type === 'OAuthWithCert') {
    // Kyma's OAuthWithCert: the token request over mutual TLS with the secret's certificate, only `client_id` in the
    // form (oauthclient.go requestTokenMTLS), which is RFC 8705's tls_client_auth; the backend gets the token only.
    const [clientIdKey, certificateKey, privateKeyKey] = KYMA_CREDENTIAL_KEYS.OAuthWithCert;
    const [tokenRequestHeadersKey, tokenRequestQueryParametersKey] = KYMA_REQUEST_PARAMETER_KEYS;
    options.endpointSecurity = { type: 'oauth2-client-credentials', tokenUrl: credentials.authenticationUrl!, secret: credentials.secretName, namespace, clientIdKey, clientSecretKey: 'clientSecret', clientAuth: 'tls_client_auth', certificateKey, privateKeyKey, tokenRequestHeadersKey, tokenRequestQueryParametersKey };
  }
  if (credentials?.type === 'CertificateGen') {
    const [certificateKey, privateKeyKey] = KYMA_CREDENTIAL_KEYS.CertificateGen;
    options.endpointSecurity = { type: 'client-certificate', secret: credentials.secretName, namespace, certificateKey, privateKeyKey };
  }
  if (credentials?.csrfInfo) options.csrf = { tokenEndpointUrl: credentials.csrfInfo.tokenEndpointURL };
  if (entry.requestParametersSecretName) {
    const [headersKey, queryParametersKey] = KYMA_REQUEST_PARAMETER_KEYS;
    options.requestParametersSecret = { secret: entry.requestParametersSecretName, namespace, headersKey, queryParametersKey };
  }
  if (app.skipVerify) options.tls = { skipVerify: true };
  return options;
}

/**
 * A Kyma application's services as gateway services, served where Kyma's Application Gateway serves them:
 * `/{application}/{service}/...`, the service segment being its display name normalized as Kyma does
 * (`kymaServiceSegment`). The target URL's path and query lead; the caller's follow.
 */
export function kymaApplicationServices(app: KymaApplication): Service[] {
  return app.services.map((service) => {
    const entry = service.entries[0]!;
    return {
      name: `${app.name}/${service.name}`,
      pathPrefix: `/${app.name}/${kymaServiceSegment(service.displayName)}`,
      upstream: { url: entry.targetUrl },
      stripPrefix: true,
      plugins: {},
      defaultEnvironment: 'production',
      targetErrors: app.targetErrors,
      acceptAccessToken: true,
      ...entryOptions(app, entry),
    };
  });
}

/** Every service the gateway serves: the workspace's own, then its Kyma applications'. */
export function servedServices(workspace: { services: Service[]; applications: KymaApplication[] }): Service[] {
  return [...workspace.services, ...workspace.applications.flatMap(kymaApplicationServices)];
}
