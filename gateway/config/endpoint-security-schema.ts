// Outbound endpoint security: what the gateway presents when it calls a backend, and whom it trusts there.
// Secret values never appear here, only references; the default key names follow Kyma's secret layouts.
import './zod-jitless';
import * as z from 'zod';
import { HttpUrl } from './http-url';
import { secretKeySchema, secretNameSchema } from './secret-names';

const SecretName = secretNameSchema('a secret name');
const SecretKeyName = secretKeySchema('a secret key name');

const secretLocation = {
  secret: SecretName,
  namespace: SecretName.optional(),
};

/** An http(s) URL the gateway calls on its own (token endpoints); a query is allowed (RFC 6749 §3.2), a fragment is not. */
const EndpointUrl = HttpUrl;

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), separated by single spaces.
const Scope = z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/, 'space-separated scope tokens (RFC 6749 §3.3)');

export const BasicEndpointSecurity = z
  .object({
    type: z.literal('basic'),
    ...secretLocation,
    usernameKey: SecretKeyName.default('username'),
    passwordKey: SecretKeyName.default('password'),
  })
  .strict();
export type BasicEndpointSecurity = z.infer<typeof BasicEndpointSecurity>;

/**
 * RFC 6749 §2.3.1's two methods, and RFC 8705 §2.1.1's `tls_client_auth`: the client presents its certificate to
 * the token endpoint and sends only its `client_id` (Kyma's OAuthWithCert credentials).
 */
export const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'tls_client_auth'] as const;
export type ClientAuthMethod = (typeof CLIENT_AUTH_METHODS)[number];

/** RFC 6749 §4.4: the gateway fetches (and caches) a bearer token with its own client credentials. */
export const OAuth2ClientCredentialsSecurity = z
  .object({
    type: z.literal('oauth2-client-credentials'),
    tokenUrl: EndpointUrl,
    ...secretLocation,
    clientIdKey: SecretKeyName.default('clientId'),
    clientSecretKey: SecretKeyName.default('clientSecret'),
    clientAuth: z.enum(CLIENT_AUTH_METHODS).default('client_secret_basic'),
    scope: Scope.optional(),
    /**
     * Keys of the same secret whose JSON `{"name": ["value", ...]}` documents add headers / query parameters to
     * the token request (Kyma's OAuth secrets: `headers`, `queryParameters`). A key the secret lacks adds nothing.
     */
    tokenRequestHeadersKey: SecretKeyName.optional(),
    tokenRequestQueryParametersKey: SecretKeyName.optional(),
    /** With `clientAuth: tls_client_auth`: keys of the same secret holding the PEM client certificate and its key (default `crt`, `key`). */
    certificateKey: SecretKeyName.optional(),
    privateKeyKey: SecretKeyName.optional(),
  })
  .strict();
export type OAuth2ClientCredentialsSecurity = z.infer<typeof OAuth2ClientCredentialsSecurity>;

/** Mutual TLS: the gateway presents a client certificate to the backend. */
export const ClientCertificateSecurity = z
  .object({
    type: z.literal('client-certificate'),
    ...secretLocation,
    /** PEM certificate, leaf first, optionally followed by its intermediates. */
    certificateKey: SecretKeyName.default('crt'),
    /** PEM private key of the leaf certificate, unencrypted. */
    privateKeyKey: SecretKeyName.default('key'),
    /** PEM CA certificates in the same secret, trusted for the backend's server certificate. */
    caKey: SecretKeyName.optional(),
  })
  .strict();
export type ClientCertificateSecurity = z.infer<typeof ClientCertificateSecurity>;

/** How the gateway authenticates itself to the backend: one method per endpoint. */
const securityMethods = [BasicEndpointSecurity, OAuth2ClientCredentialsSecurity, ClientCertificateSecurity] as const;
export const EndpointSecurity = z.discriminatedUnion('type', securityMethods, {
  error: `expected one of ${securityMethods.map((method) => method.shape.type.value).join(', ')}`,
});
export type EndpointSecurity = z.infer<typeof EndpointSecurity>;
export type EndpointSecurityInput = z.input<typeof EndpointSecurity>;

/** SAP-style CSRF protection: `GET tokenEndpointUrl` with `X-CSRF-Token: Fetch`, then the token and its cookies on each call. */
export const CsrfProtection = z
  .object({
    tokenEndpointUrl: EndpointUrl,
  })
  .strict();
export type CsrfProtection = z.infer<typeof CsrfProtection>;

/** Kyma's `requestParametersSecretName`: JSON `{"name": ["value", ...]}` documents added to each call. */
export const RequestParametersSecret = z
  .object({
    ...secretLocation,
    headersKey: SecretKeyName.default('headers'),
    queryParametersKey: SecretKeyName.default('queryParameters'),
  })
  .strict();
export type RequestParametersSecret = z.infer<typeof RequestParametersSecret>;

export const CaBundleRef = z
  .object({
    ...secretLocation,
    key: SecretKeyName.default('ca.crt'),
  })
  .strict();
export type CaBundleRef = z.infer<typeof CaBundleRef>;

/** Server-certificate trust for the backend and the endpoint's token endpoints. */
export const UpstreamTls = z
  .object({
    /** Accept any server certificate and host name. For test systems only. */
    skipVerify: z.boolean().default(false),
    /** PEM CA certificates trusted for this endpoint in addition to the system's roots. */
    caSecret: CaBundleRef.optional(),
  })
  .strict()
  .superRefine((tls, ctx) => {
    if (tls.skipVerify && tls.caSecret) {
      ctx.addIssue({ code: 'custom', path: ['caSecret'], message: 'has no effect with skipVerify: true; remove one of the two' });
    }
  });
export type UpstreamTls = z.infer<typeof UpstreamTls>;

/** Fields orthogonal to the authentication method; spread into an endpoint's (a service's) object schema. */
export const endpointOptionsShape = {
  endpointSecurity: EndpointSecurity.optional(),
  csrf: CsrfProtection.optional(),
  requestParametersSecret: RequestParametersSecret.optional(),
  tls: UpstreamTls.optional(),
};

/** One endpoint's outbound security settings, standalone. */
export const EndpointOptions = z.object(endpointOptionsShape).strict();
export type EndpointOptions = z.infer<typeof EndpointOptions>;
export type EndpointOptionsInput = z.input<typeof EndpointOptions>;

export interface EndpointIssue {
  /** Relative to the endpoint's object, e.g. `['tls', 'caSecret']`. */
  path: (string | number)[];
  message: string;
}

/**
 * Cross-field checks that need the upstream's scheme: a workspace's superRefine calls this per service and
 * prefixes the paths. `upstreamScheme` is the URL's scheme, or `serviceInfo.protocol`. Safe on input whose
 * fields failed their own checks.
 */
export function endpointOptionsIssues(upstreamScheme: 'http' | 'https', options: EndpointOptions): EndpointIssue[] {
  const issues: EndpointIssue[] = [];
  const security = options.endpointSecurity;
  if (security?.type === 'client-certificate' && upstreamScheme !== 'https') {
    issues.push({ path: ['endpointSecurity', 'type'], message: 'client-certificate needs an https:// upstream: a certificate is only presented in a TLS handshake' });
  }
  if (security?.type === 'client-certificate' && security.caKey !== undefined && options.tls?.skipVerify) {
    issues.push({ path: ['endpointSecurity', 'caKey'], message: 'has no effect with tls.skipVerify: true; remove one of the two' });
  }
  if (security?.type === 'oauth2-client-credentials') {
    if (security.clientAuth === 'tls_client_auth' && URL.canParse(security.tokenUrl) && new URL(security.tokenUrl).protocol !== 'https:') {
      issues.push({ path: ['endpointSecurity', 'tokenUrl'], message: 'needs https:// with clientAuth tls_client_auth: a certificate is only presented in a TLS handshake' });
    }
    for (const key of ['certificateKey', 'privateKeyKey'] as const) {
      if (security[key] !== undefined && security.clientAuth !== 'tls_client_auth') issues.push({ path: ['endpointSecurity', key], message: 'is used only with clientAuth tls_client_auth' });
    }
  }
  if (options.tls) {
    const urls = [security?.type === 'oauth2-client-credentials' ? security.tokenUrl : undefined, options.csrf?.tokenEndpointUrl];
    // A workspace's superRefine runs even when a URL failed its own check, so unparsable ones are skipped here.
    const anyHttps = upstreamScheme === 'https' || urls.some((u) => u !== undefined && URL.canParse(u) && new URL(u).protocol === 'https:');
    if (!anyHttps) issues.push({ path: ['tls'], message: 'has no effect: neither the upstream nor a token endpoint uses https://' });
  }
  return issues;
}
