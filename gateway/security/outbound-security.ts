// One endpoint's outbound security, put together from its config and secrets when a config is compiled, and
// applied to each request. Everything that can be checked is checked at compile time, so a bad secret refuses
// the config with a message naming the service, secret and key, instead of failing requests later.
import type { Dispatcher } from 'undici';
import type { EndpointOptions } from '../config/endpoint-security-schema';
import type { OutgoingHeaders } from '../proxy/forward-headers';
import type { OutboundCredentialKind } from '../log/exchange';
import type { SecretResolver } from '../secrets/secret-source';
import { secretId } from '../config/secret-names';
import { outboundAuthorization } from './basic-endpoint';
import { endpointLabel } from './call-failure';
import { ClientCertificateError, checkClientCertificate, type ClientCertificate } from './client-certificate';
import { credentialIdentity, applyCsrfToken, type CsrfToken, type CsrfTokenSource, type CsrfTokenStore } from './csrf-token-store';
import { clientCredentialsGrant, OAuthClientCredentialsError, type AccessToken, type OAuthTokenCache, type TokenSource } from './oauth-token-cache';
import { EMPTY_REQUEST_PARAMETERS, RequestParametersError, applyRequestHeaders, mergeQuery, resolveRequestParameters, type RequestParameters } from './request-parameters';
import { credentialRejection, type CredentialRejection } from './retry-policy';
import { CredentialEndpointError } from './credential-endpoint-error';
import { parseCaBundle, upstreamTlsProfile, type UpstreamTlsProfile } from './upstream-tls';

export interface OutboundSecurity {
  /** Fixed Authorization value (basic). */
  authorization?: string;
  oauth?: TokenSource;
  csrf?: CsrfTokenSource;
  requestParameters: RequestParameters;
  /** Connect options for the backend's origin; `undefined` for plain defaults. */
  tls?: UpstreamTlsProfile;
  /** Which credential the backend gets (for the exchange record; never the credential itself). */
  credentialKind: OutboundCredentialKind;
  /** Who the credentials name, for the traffic inspector: endpoints and certificate subject, never a secret. */
  identity: SecurityIdentity;
}

export interface SecurityIdentity {
  /** Origin and path of the OAuth token endpoint. */
  oauthTokenEndpoint?: string;
  csrfTokenEndpoint?: string;
  clientCertificate?: { subject: string; validTo: string };
}

/** How one token was had for a request: how long the request waited, and whether it was fetched rather than cached. */
export interface TokenTrace {
  ms: number;
  fetched: boolean;
}

/** How a request's credentials were had, filled in by `applyOutboundSecurity` when the traffic inspector asks. */
export interface SecurityTrace {
  token?: TokenTrace & { expiresAt: number };
  csrf?: TokenTrace;
}

/**
 * The source's token; with `onTraced`, how long that took and whether it was fetched (the cache held another or none).
 * `requestAuthorization` goes to the source (the CSRF source fetches with it).
 */
async function tracedToken<T extends object>(source: { token(requestAuthorization?: string): Promise<T>; peek(): T | undefined }, onTraced: ((trace: TokenTrace, token: T) => void) | undefined, requestAuthorization?: string): Promise<T> {
  if (!onTraced) return source.token(requestAuthorization);
  const cached = source.peek();
  const started = performance.now();
  const token = await source.token(requestAuthorization);
  onTraced({ ms: performance.now() - started, fetched: token !== cached }, token);
  return token;
}

export interface OutboundSecurityDeps {
  secrets: SecretResolver;
  /** Long-lived (across config generations), so tokens survive a reload. */
  tokens: OAuthTokenCache;
  csrfTokens: CsrfTokenStore;
  /** A dispatcher for another origin (token and CSRF endpoints) with the given TLS profile. */
  dispatcherFor(origin: string, tls: UpstreamTlsProfile | undefined): Dispatcher;
}

/** What a request was sent with, to invalidate the right cache entries if the backend rejects it. */
export interface AppliedCredentials {
  oauthToken?: AccessToken;
  csrfToken?: CsrfToken;
}

function secretLabel(ref: { secret: string; namespace?: string }, key: string): string {
  return `secret "${secretId({ name: ref.secret, namespace: ref.namespace })}" key "${key}"`;
}

/**
 * Resolves secrets and checks them; throws MissingSecretError, BasicCredentialsError, OAuthClientCredentialsError, ClientCertificateError,
 * CaBundleError or RequestParametersError. `options` has passed EndpointOptions and endpointOptionsIssues.
 * `kymaApplication`: the endpoint is a Kyma Application's entry, whose OAuth token requests are made as Kyma's
 * Application Gateway makes them (token-client-auth.ts), whatever `clientAuth` says.
 */
export async function compileOutboundSecurity(options: EndpointOptions, deps: OutboundSecurityDeps, usedBy: string, kymaApplication = false): Promise<OutboundSecurity> {
  const { secrets } = deps;
  const security = options.endpointSecurity;
  const requestParameters = options.requestParametersSecret
    ? await resolveRequestParameters(options.requestParametersSecret, secrets, usedBy)
    : EMPTY_REQUEST_PARAMETERS;

  const ca: string[] = [];
  const tlsCa = options.tls?.caSecret;
  if (tlsCa) {
    const pem = await secrets.readKey({ name: tlsCa.secret, namespace: tlsCa.namespace }, tlsCa.key, usedBy);
    ca.push(...parseCaBundle(pem, `${usedBy}: ${secretLabel(tlsCa, tlsCa.key)}`));
  }
  let clientCertificate: ClientCertificate | undefined;
  const identityOf: SecurityIdentity = {};
  if (security?.type === 'client-certificate') {
    const ref = { name: security.secret, namespace: security.namespace };
    clientCertificate = {
      certificate: await secrets.readKey(ref, security.certificateKey, usedBy),
      privateKey: await secrets.readKey(ref, security.privateKeyKey, usedBy),
    };
    try {
      const info = checkClientCertificate(clientCertificate, { certificate: secretLabel(security, security.certificateKey), privateKey: secretLabel(security, security.privateKeyKey) });
      identityOf.clientCertificate = { subject: info.subject, validTo: info.validTo.toISOString() };
    } catch (error) {
      if (error instanceof ClientCertificateError) throw new ClientCertificateError(error.problem, `${usedBy}: ${error.message}`);
      throw error;
    }
    if (security.caKey !== undefined) {
      ca.push(...parseCaBundle(await secrets.readKey(ref, security.caKey, usedBy), `${usedBy}: ${secretLabel(security, security.caKey)}`));
    }
  }
  const serverTrust = { skipVerify: options.tls?.skipVerify ?? false, ca };
  const tls = upstreamTlsProfile({ ...serverTrust, clientCertificate });

  const compiled: OutboundSecurity = { requestParameters, tls, credentialKind: security?.type === 'oauth2-client-credentials' ? 'oauth2' : security?.type ?? 'none', identity: identityOf };
  let identity = 'anonymous';
  if (security?.type === 'basic') {
    compiled.authorization = await outboundAuthorization(security, secrets, usedBy);
    identity = credentialIdentity('basic', compiled.authorization);
  } else if (security?.type === 'oauth2-client-credentials') {
    const grant = await clientCredentialsGrant(security, (ref, key) => secrets.readKey(ref, key, usedBy), async (ref, key) => (await secrets.readSecret(ref, usedBy))[key], kymaApplication).catch((error: unknown) => {
      if (error instanceof RequestParametersError) throw new RequestParametersError(error.field, `${usedBy}: ${error.message}`);
      if (error instanceof OAuthClientCredentialsError) throw new OAuthClientCredentialsError(usedBy, error.secret, error.key, error.detail);
      if (error instanceof ClientCertificateError) throw new ClientCertificateError(error.problem, `${usedBy}: ${error.message}`);
      throw error;
    });
    // The token endpoint gets the endpoint's server trust, never its backend credentials (with tls_client_auth, the
    // client's own certificate from the OAuth secret); a token is cached per trust, so one fetched without
    // verification never serves an endpoint that verifies.
    const tokenTrust = upstreamTlsProfile({ ...serverTrust, clientCertificate: grant.clientCertificate });
    compiled.oauth = deps.tokens.source(grant, deps.dispatcherFor(new URL(grant.tokenUrl).origin, tokenTrust), tokenTrust?.key);
    identity = credentialIdentity('oauth2', compiled.oauth.key);
    identityOf.oauthTokenEndpoint = endpointLabel(grant.tokenUrl);
  } else if (security?.type === 'client-certificate') {
    identity = credentialIdentity('client-certificate', clientCertificate!.certificate);
  }

  if (options.csrf) {
    const csrfUrl = new URL(options.csrf.tokenEndpointUrl);
    identityOf.csrfTokenEndpoint = `${csrfUrl.origin}${csrfUrl.pathname}`;
    const oauth = compiled.oauth;
    const authorization = compiled.authorization;
    const parameterHeaders = [...requestParameters.headers].map(([name, values]) => `${name}:${values.join('\0')}`);
    compiled.csrf = deps.csrfTokens.source({
      tokenEndpointUrl: `${csrfUrl.origin}${csrfUrl.pathname}${mergeQuery(csrfUrl.search, requestParameters.queryParameters, '')}`,
      // Request-parameter headers often are the credential (an API key): a different key is a different session.
      // The connection's trust too, as for OAuth tokens: a token and session cookie fetched without verifying the
      // endpoint's certificate (skipVerify, another CA) must never serve an endpoint that verifies; whoever answered
      // that fetch could have planted the session.
      identity: credentialIdentity('csrf', identity, tls?.key ?? 'verified', ...parameterHeaders),
      dispatcher: deps.dispatcherFor(csrfUrl.origin, tls),
      authenticate: async (requestAuthorization) => {
        const headers: OutgoingHeaders = {};
        applyRequestHeaders(headers, requestParameters);
        if (authorization) headers.authorization = authorization;
        // The request's own token when it has one: another had here would be a second token request for one
        // request with `expires_in: 0`, and a CSRF session opened with a token the backend call does not carry.
        if (oauth) headers.authorization = requestAuthorization ?? (await oauth.token()).authorization;
        return headers;
      },
    });
  }
  return compiled;
}

/**
 * Adds the endpoint's credentials to an outgoing request (header names lower case). The caller's headers win
 * over request parameters; the endpoint's own Authorization and CSRF token win over the caller's.
 * Throws CredentialEndpointError (status 502) when a token cannot be had.
 */
export async function applyOutboundSecurity(headers: OutgoingHeaders, security: OutboundSecurity, trace?: SecurityTrace): Promise<AppliedCredentials> {
  const applied: AppliedCredentials = {};
  const oauth = security.oauth;
  const onToken = trace && ((t: TokenTrace, token: AccessToken) => (trace.token = { ...t, expiresAt: token.expiresAt }));
  if (oauth) applied.oauthToken = await tracedToken(oauth, onToken);
  if (security.csrf) {
    const onCsrf = trace && ((t: TokenTrace) => (trace.csrf = t));
    try {
      applied.csrfToken = await tracedToken(security.csrf, onCsrf, applied.oauthToken?.authorization);
    } catch (error) {
      // The CSRF token endpoint is the backend's, fetched with the cached OAuth token: when it rejects that token as
      // the backend would (retry-policy.ts), the token goes and both are had again, once, as for the backend itself.
      // Otherwise a token revoked early locked the service out (502) until the token's own expiry.
      if (!oauth || !applied.oauthToken || !csrfEndpointRejectedOAuthToken(error)) throw error;
      oauth.invalidate(applied.oauthToken);
      applied.oauthToken = await tracedToken(oauth, onToken);
      applied.csrfToken = await tracedToken(security.csrf, onCsrf, applied.oauthToken.authorization);
    }
  }
  applyCredentials(headers, security, applied);
  return applied;
}

/** Whether a failed CSRF token fetch, sent with an OAuth token, was the backend rejecting that token. */
function csrfEndpointRejectedOAuthToken(error: unknown): boolean {
  if (!(error instanceof CredentialEndpointError) || error.kind !== 'csrf-token' || error.failure !== 'http-status' || error.upstreamStatus === undefined) return false;
  return credentialRejection({ status: error.upstreamStatus, attempt: 0, usedOAuthToken: true, usedCsrfToken: false, bodyReplayable: true })?.invalidateOAuthToken === true;
}

/**
 * Adds the endpoint's credentials to an outgoing request once its tokens are had (`applied`; a token already in
 * the cache lets the forward stage call this directly): the fixed ones, the OAuth token as a bearer Authorization
 * (replacing the client's own), the CSRF token and its cookies.
 */
export function applyCredentials(headers: OutgoingHeaders, security: OutboundSecurity, applied: AppliedCredentials): void {
  applyFixedCredentials(headers, security);
  if (applied.oauthToken) headers.authorization = applied.oauthToken.authorization;
  if (applied.csrfToken) applyCsrfToken(headers, applied.csrfToken);
}

/** The part of applyOutboundSecurity that needs no cache (request parameters, Basic): enough without OAuth or CSRF. */
export function applyFixedCredentials(headers: OutgoingHeaders, security: OutboundSecurity): void {
  applyRequestHeaders(headers, security.requestParameters);
  if (security.authorization) headers.authorization = security.authorization;
}

/** Drops the cached credentials a rejection names, before the retry (or for the next request). */
export function invalidateRejected(security: OutboundSecurity, applied: AppliedCredentials, rejection: CredentialRejection): void {
  if (rejection.invalidateOAuthToken && applied.oauthToken) security.oauth?.invalidate(applied.oauthToken);
  if (rejection.invalidateCsrfToken && applied.csrfToken) security.csrf?.invalidate(applied.csrfToken);
}
