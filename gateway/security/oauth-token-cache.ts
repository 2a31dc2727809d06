// OAuth 2.0 client credentials grant (RFC 6749 §4.4): the gateway fetches bearer tokens with its own client
// credentials and caches them per (token URL, client, secret, scope, client authentication, extra token request
// parameters, TLS trust) until shortly before they expire.
//
// What must not leak: the client secret and the tokens. Errors name the token endpoint (origin and path only,
// its query may carry parameters) and the HTTP status; a failed response's body is never quoted, because
// token endpoints echo request fields (client_id, sometimes client_secret) into error descriptions.
import { createHash } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { requestThrough } from '../proxy/undici-core';
import { callDeadline, endpointLabel } from './call-failure';
import { SingleFlightCache } from './single-flight-cache';
import { CredentialEndpointError } from './credential-endpoint-error';
import type { OAuth2ClientCredentialsSecurity } from '../config/endpoint-security-schema';
import { mergeQuery, type RequestParameters } from './request-parameters';
import { tokenRequestParameters, type OptionalSecretKeyReader } from './token-request-parameters';
import { authenticateTokenRequest, type TokenClientAuth } from './token-client-auth';
import { CredentialValueError } from './credential-value-error';
import { loneSurrogateProblem } from '../config/lone-surrogates';
import { secretId } from '../config/secret-names';
import { checkClientCertificate, type ClientCertificate } from './client-certificate';

export interface ClientCredentialsGrant {
  tokenUrl: string;
  clientId: string;
  /** '' with `tls_client_auth`, which sends none. */
  clientSecret: string;
  /** The endpoint's `clientAuth`; `kyma` for a Kyma Application's OAuth entry (token-client-auth.ts). */
  clientAuth: TokenClientAuth;
  /** With `tls_client_auth`: presented to the token endpoint (its dispatcher's TLS profile), never to the backend. */
  clientCertificate?: ClientCertificate;
  scope?: string;
  /** Extra headers and query parameters for the token request (Kyma's OAuth secret `headers`, `queryParameters`). */
  requestParameters?: RequestParameters;
}

/** Reads one key of a secret; throws (with the caller's own error type) when it is missing. */
export type SecretKeyReader = (ref: { name: string; namespace?: string }, key: string) => Promise<string>;

/** An OAuth client id or secret the gateway cannot send as it stands; `usedBy` is added by the config's compile. */
export class OAuthClientCredentialsError extends CredentialValueError {
  readonly code = 'GATEHOUSE_OAUTH_CLIENT_CREDENTIALS';
  constructor(usedBy: string, secret: string, key: string, detail: string) {
    super(usedBy, secret, key, detail);
    this.name = 'OAuthClientCredentialsError';
  }
}

/**
 * Both go out as UTF-8 (a Basic header or the form body, RFC 6749 §2.3.1): one with a lone surrogate would reach the
 * token endpoint with U+FFFD in its place, and be refused there as credentials nobody entered.
 */
function checkClientCredentials(security: OAuth2ClientCredentialsSecurity, ...values: [key: string, value: string][]): void {
  for (const [key, value] of values) {
    const problem = loneSurrogateProblem(value);
    if (problem) throw new OAuthClientCredentialsError('', security.secret, key, `secret "${secretId({ name: security.secret, namespace: security.namespace })}" key "${key}" ${problem}`);
  }
}

/**
 * The grant an endpoint's `oauth2-client-credentials` security describes, its client id and secret read from its
 * secret (throws OAuthClientCredentialsError for one it cannot send), and the token request parameters its optional
 * keys hold (throws RequestParametersError for bad ones).
 * `kymaApplication`: the endpoint is a Kyma Application's entry, whose token requests are made as Kyma makes them.
 */
export async function clientCredentialsGrant(security: OAuth2ClientCredentialsSecurity, readKey: SecretKeyReader, readOptionalKey: OptionalSecretKeyReader, kymaApplication = false): Promise<ClientCredentialsGrant> {
  const ref = { name: security.secret, namespace: security.namespace };
  const clientId = await readKey(ref, security.clientIdKey);
  if (security.clientAuth === 'tls_client_auth') {
    checkClientCredentials(security, [security.clientIdKey, clientId]);
    return {
      tokenUrl: security.tokenUrl,
      clientId,
      clientSecret: '',
      clientAuth: 'tls_client_auth',
      clientCertificate: await grantCertificate(security, ref, readKey),
      scope: security.scope,
      requestParameters: await tokenRequestParameters(security, readOptionalKey),
    };
  }
  const clientSecret = await readKey(ref, security.clientSecretKey);
  checkClientCredentials(security, [security.clientIdKey, clientId], [security.clientSecretKey, clientSecret]);
  return {
    tokenUrl: security.tokenUrl,
    clientId,
    clientSecret,
    clientAuth: kymaApplication ? 'kyma' : security.clientAuth,
    scope: security.scope,
    requestParameters: await tokenRequestParameters(security, readOptionalKey),
  };
}

/** A `tls_client_auth` client's certificate and key, checked as a backend's client certificate is (throws ClientCertificateError naming secret and keys). */
async function grantCertificate(security: OAuth2ClientCredentialsSecurity, ref: { name: string; namespace?: string }, readKey: SecretKeyReader): Promise<ClientCertificate> {
  const certificateKey = security.certificateKey ?? 'crt';
  const privateKeyKey = security.privateKeyKey ?? 'key';
  const certificate = { certificate: await readKey(ref, certificateKey), privateKey: await readKey(ref, privateKeyKey) };
  const label = (key: string) => `secret "${secretId(ref)}" key "${key}"`;
  checkClientCertificate(certificate, { certificate: label(certificateKey), privateKey: label(privateKeyKey) });
  return certificate;
}

export interface AccessToken {
  readonly value: string;
  /** `Bearer <value>`, ready for the Authorization header. */
  readonly authorization: string;
  /** Epoch ms at which the server said the token expires (or the default lifetime ends). */
  readonly expiresAt: number;
  /** Epoch ms after which the cache fetches a new token instead of handing this one out. */
  readonly refreshAt: number;
  /**
   * The server said `expires_in: 0` (RFC 6749 §5.1 allows it): the token is used by the requests that waited
   * for its fetch and is never cached, so each later request fetches its own.
   */
  readonly singleUse?: true;
}

/** Whether the cache keeps a fetched token for later requests. */
function worthCaching(token: AccessToken): boolean {
  return token.singleUse !== true;
}

/** Used when a token response has no `expires_in` (RFC 6749 §5.1 only recommends it). A backend 401 or 403 still evicts early. */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 300;

export interface OAuthTokenCacheOptions {
  /** Lifetime assumed for tokens whose response has no `expires_in`. */
  defaultLifetimeSeconds?: number;
  /** Refresh this long before expiry, so a token does not expire in flight; at most half the token's lifetime. */
  refreshSkewSeconds?: number;
  /** Bound on cached tokens (distinct clients); the least recently used go first. */
  maxEntries?: number;
  /** Headers and body timeout of one token request. */
  requestTimeoutMs?: number;
  /** Largest token response read; bigger ones are refused as invalid. */
  maxResponseBytes?: number;
  /** Used when a grant does not bring its own (e.g. for skipVerify or a private CA on the token endpoint). */
  dispatcher?: Dispatcher;
  now?: () => number;
}

/** Whether a token needs no refresh yet at `now` (before its refreshAt), as the cache asks it. */
function needsNoRefreshAt(now: number): (token: AccessToken) => boolean {
  return (token) => now < token.refreshAt;
}

/** Fetches and caches tokens for one grant; created once per compiled config, cheap to call per request. */
export interface TokenSource {
  /** Identifies the client without holding its secret (token URL, client id, sha-256 of the secret, scope, client authentication, sha-256 of extra parameters, TLS trust). */
  readonly key: string;
  token(): Promise<AccessToken>;
  /** The cached token, fresh or not, without fetching: lets the traffic inspector tell a cached token from a fetched one. */
  peek(): AccessToken | undefined;
  /** The cached token while it needs no refresh, without waiting: what `token()` would resolve to at once. */
  fresh(): AccessToken | undefined;
  /** After the upstream rejected `token` (401 or 403, retry-policy.ts): drop it unless a newer one already replaced it. */
  invalidate(token: AccessToken): void;
}

const TOKEN_ERROR_CODES = new Set(['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope']);
// RFC 6750 §2.1 b64token: anything else could not be sent in an Authorization header as-is.
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * `trust` names the TLS trust the token endpoint was reached with (an upstream TLS profile's key), when it is not
 * the default: a token fetched over `skipVerify`, from whoever answered, must not serve an endpoint that verifies.
 */
export function tokenCacheKey(grant: ClientCredentialsGrant, trust?: string): string {
  const secretHash = createHash('sha256').update(grant.clientSecret).digest('hex');
  // The client authentication method too: a token endpoint may accept one and refuse another, and a fetch made
  // one way must not serve (or, in flight, fail) the requests of an endpoint that authenticates the other way.
  const key = [grant.tokenUrl, grant.clientId, secretHash, grant.scope ?? '', grant.clientAuth];
  // Other token request parameters (a tenant, an API key) may get another token; their values may be secret.
  const parameters = grant.requestParameters;
  if (parameters && (parameters.headers.size > 0 || parameters.queryParameters.size > 0)) {
    key.push(createHash('sha256').update(JSON.stringify([[...parameters.headers], [...parameters.queryParameters]])).digest('hex'));
  }
  // Another certificate is another client, whatever its id (Kyma keys its mTLS tokens by both).
  const certificate = grant.clientCertificate;
  if (certificate) key.push(`cert:${createHash('sha256').update(certificate.certificate).update('\0').update(certificate.privateKey).digest('hex')}`);
  if (trust !== undefined) key.push(`trust:${trust}`);
  return JSON.stringify(key);
}

/** The token URL with the grant's query parameters after its own query. */
function tokenRequestUrl(grant: ClientCredentialsGrant): string {
  const query = grant.requestParameters?.queryParameters;
  if (!query || query.size === 0) return grant.tokenUrl;
  const url = new URL(grant.tokenUrl);
  return `${url.origin}${url.pathname}${mergeQuery(url.search, query, '')}`;
}

type ParsedToken = { ok: true; value: string; lifetimeSeconds: number | undefined } | { ok: false; problem: string };

/** RFC 6749 §5.1, strictly: messages name the offending field, never its value. */
export function parseTokenResponse(json: unknown): ParsedToken {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { ok: false, problem: 'the body is not a JSON object' };
  const body = json as Record<string, unknown>;
  const value = body.access_token;
  if (typeof value !== 'string' || value === '') return { ok: false, problem: 'access_token is missing or not a non-empty string' };
  if (!B64TOKEN.test(value)) return { ok: false, problem: 'access_token has characters a bearer token cannot have (RFC 6750 §2.1)' };
  // A missing token_type is refused, not taken for Bearer (Kyma's gateway takes it so): RFC 6749 §5.1 requires it,
  // and a token of another type (DPoP, MAC) sent as Bearer fails at the backend with a 401 that names no cause,
  // where this 502 names the token endpoint and the field.
  if (body.token_type === undefined || body.token_type === null) return { ok: false, problem: 'token_type is missing (RFC 6749 §5.1 requires it; only Bearer is supported)' };
  if (typeof body.token_type !== 'string') return { ok: false, problem: 'token_type is not a string' };
  if (body.token_type.toLowerCase() !== 'bearer') {
    const shown = /^[A-Za-z0-9_.-]{1,40}$/.test(body.token_type) ? ` "${body.token_type}"` : '';
    return { ok: false, problem: `token_type${shown} is not supported (only Bearer)` };
  }
  let lifetime: number | undefined;
  const expiresIn = body.expires_in;
  if (typeof expiresIn === 'number') lifetime = expiresIn;
  // A JSON string of digits: some servers (Azure AD v1) send expires_in quoted.
  else if (typeof expiresIn === 'string' && /^\d{1,12}$/.test(expiresIn)) lifetime = Number(expiresIn);
  else if (expiresIn !== undefined && expiresIn !== null) return { ok: false, problem: 'expires_in is not a number' };
  // 0 is a lifetime like any other (RFC 6749 §5.1: seconds): the token is used once and not cached.
  if (lifetime !== undefined && !(Number.isFinite(lifetime) && lifetime >= 0)) return { ok: false, problem: 'expires_in is negative or not finite' };
  return { ok: true, value, lifetimeSeconds: lifetime };
}

async function readLimited(body: Dispatcher.ResponseData['body'], limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      body.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function errorCodeOf(raw: Buffer | undefined): string | undefined {
  try {
    const code = (JSON.parse(raw?.toString('utf8') ?? '') as { error?: unknown }).error;
    // Only registered codes (RFC 6749 §5.2) are repeated: they cannot carry request data.
    return typeof code === 'string' && TOKEN_ERROR_CODES.has(code) ? code : undefined;
  } catch {
    return undefined;
  }
}

export class OAuthTokenCache {
  readonly #tokens: SingleFlightCache<AccessToken>;
  readonly #defaultLifetimeMs: number;
  readonly #skewMs: number;
  readonly #timeoutMs: number;
  readonly #maxResponseBytes: number;
  readonly #dispatcher: Dispatcher | undefined;
  readonly #now: () => number;

  constructor(options: OAuthTokenCacheOptions = {}) {
    this.#tokens = new SingleFlightCache(options.maxEntries ?? 1000);
    this.#defaultLifetimeMs = (options.defaultLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS) * 1000;
    this.#skewMs = (options.refreshSkewSeconds ?? 30) * 1000;
    this.#timeoutMs = options.requestTimeoutMs ?? 10_000;
    this.#maxResponseBytes = options.maxResponseBytes ?? 64 * 1024;
    this.#dispatcher = options.dispatcher;
    this.#now = options.now ?? Date.now;
  }

  /**
   * A handle for one grant; `dispatcher` reaches its token URL (a pool with the endpoint's TLS settings), and
   * `trust` names those settings when they are not the default (see tokenCacheKey).
   */
  source(grant: ClientCredentialsGrant, dispatcher?: Dispatcher, trust?: string): TokenSource {
    const key = tokenCacheKey(grant, trust);
    const frozen: ClientCredentialsGrant = { ...grant };
    const via = dispatcher ?? this.#dispatcher;
    return {
      key,
      token: () => this.#token(key, frozen, via),
      peek: () => this.#tokens.peek(key),
      fresh: () => this.#tokens.cached(key, needsNoRefreshAt(this.#now())),
      invalidate: (token) => this.#tokens.evict(key, token),
    };
  }

  /** Drops every cached token (e.g. when the workspace's secrets change). In-flight fetches still complete. */
  clear(): void {
    this.#tokens.clear();
  }

  get size(): number {
    return this.#tokens.size;
  }

  #token(key: string, grant: ClientCredentialsGrant, dispatcher: Dispatcher | undefined): Promise<AccessToken> {
    const now = this.#now();
    const cached = this.#tokens.peek(key);
    const fresh = needsNoRefreshAt(now);
    const pending = this.#tokens.get(key, fresh, () => this.#fetch(grant, dispatcher), worthCaching);
    if (cached === undefined || fresh(cached) || now >= cached.expiresAt) return pending;
    // Inside the refresh window the old token is still good: a token endpoint outage does not fail requests yet.
    return pending.catch(() => cached);
  }

  async #fetch(grant: ClientCredentialsGrant, dispatcher: Dispatcher | undefined): Promise<AccessToken> {
    const label = endpointLabel(grant.tokenUrl);
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (grant.scope) form.set('scope', grant.scope);
    const headers: Record<string, string | string[]> = { accept: 'application/json' };
    // The grant's own headers (checked not to be content-type or authorization) may replace Accept.
    for (const [name, values] of grant.requestParameters?.headers ?? []) headers[name] = values.length === 1 ? values[0]! : [...values];
    headers['content-type'] = 'application/x-www-form-urlencoded';
    authenticateTokenRequest(grant.clientAuth, grant, headers, form);

    const started = this.#now();
    const deadline = callDeadline(this.#timeoutMs);
    let response: Dispatcher.ResponseData | undefined;
    let raw: Buffer | undefined;
    try {
      response = await requestThrough(dispatcher, tokenRequestUrl(grant), {
        method: 'POST',
        headers,
        body: form.toString(),
        headersTimeout: this.#timeoutMs,
        bodyTimeout: this.#timeoutMs,
        signal: deadline.signal,
      });
      raw = await readLimited(response.body, this.#maxResponseBytes);
    } catch (error) {
      // With a response, the head had come and its body was being read: the endpoint answered, then failed.
      const failure = deadline.failureOf(error, response !== undefined);
      throw new CredentialEndpointError('oauth-token', label, failure.kind, response?.statusCode, `token endpoint ${label} ${failure.text}`, failure.text, failure.code);
    }

    const status = response.statusCode;
    if (status !== 200) {
      const oauthError = status >= 400 && status < 500 ? errorCodeOf(raw) : undefined;
      const answered = `answered HTTP ${status}${oauthError ? ` (${oauthError})` : ''}`;
      throw new CredentialEndpointError('oauth-token', label, 'http-status', status, `token endpoint ${label} ${answered}`, answered, undefined, oauthError);
    }
    const invalid = (problem: string) => {
      const answered = `answered HTTP ${status} with an unusable token response: ${problem}`;
      return new CredentialEndpointError('oauth-token', label, 'invalid-response', status, `token endpoint ${label} ${answered}`, answered);
    };
    if (raw === undefined) throw invalid(`larger than ${this.#maxResponseBytes} bytes`);
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      throw invalid('the body is not JSON');
    }
    const parsed = parseTokenResponse(json);
    if (!parsed.ok) throw invalid(parsed.problem);

    // Lifetime counts from the request, not the response: the server's clock started no later than that.
    const lifetimeMs = parsed.lifetimeSeconds !== undefined ? parsed.lifetimeSeconds * 1000 : this.#defaultLifetimeMs;
    const expiresAt = started + lifetimeMs;
    const refreshAt = started + Math.max(lifetimeMs - this.#skewMs, lifetimeMs / 2);
    const token = { value: parsed.value, authorization: `Bearer ${parsed.value}`, expiresAt, refreshAt };
    return lifetimeMs === 0 ? { ...token, singleUse: true } : token;
  }
}
