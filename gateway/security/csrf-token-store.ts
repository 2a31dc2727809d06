// SAP-style CSRF tokens for backends that demand them on modifying calls (Kyma's `csrfInfo`): the gateway asks
// the token endpoint with `X-CSRF-Token: Fetch` (plus `Accept: */*` and `Cache-Control: no-cache`, as Kyma does)
// and its own credentials, then sends the token together with the session cookies that came with it, since the
// backend binds the token to that session.
//
// Tokens and cookies are kept per (token endpoint, credential identity): one client's session must never be
// used with another client's credentials. Neither a token nor a cookie value appears in an error message.
import { createHash } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { requestThrough } from '../proxy/undici-core';
import { callDeadline, endpointLabel } from './call-failure';
import { SingleFlightCache } from './single-flight-cache';
import { CredentialEndpointError } from './credential-endpoint-error';
import { cookieForHeader } from './session-cookie-value';
import type { OutgoingHeaders } from '../proxy/forward-headers';

export interface CsrfToken {
  readonly value: string;
  /** `name=value` pairs from the token response's Set-Cookie headers, in their order, values as a Cookie header carries them. */
  readonly cookies: readonly (readonly [name: string, value: string])[];
  /** Epoch ms after which the store fetches a new token. */
  readonly expiresAt: number;
}

export interface CsrfEndpoint {
  tokenEndpointUrl: string;
  /**
   * Who the token is fetched as, without secrets in it (e.g. `credentialIdentity('basic', authorization)`).
   * Entries with the same endpoint and identity share a token and its session.
   */
  identity: string;
  /**
   * The endpoint's own authentication for the fetch, read at fetch time so a refreshed OAuth token is used.
   * `requestAuthorization`: the OAuth Authorization of the request the fetch is for, to be used rather than
   * another token had for the fetch (one `expires_in: 0` serves only the requests that waited for it).
   */
  authenticate?: (requestAuthorization: string | undefined) => Promise<OutgoingHeaders> | OutgoingHeaders;
  /** Reaches the token endpoint with the endpoint's TLS settings (and client certificate). */
  dispatcher?: Dispatcher;
}

export interface CsrfTokenSource {
  readonly key: string;
  /** `requestAuthorization` goes to `authenticate` when this call starts a fetch. */
  token(requestAuthorization?: string): Promise<CsrfToken>;
  /** The cached token, fresh or not, without fetching (for the traffic inspector). */
  peek(): CsrfToken | undefined;
  /** After the backend rejected `token` (403) or the OAuth token it was fetched with (retry-policy.ts): drop it unless a newer one already replaced it. */
  invalidate(token: CsrfToken): void;
}

export interface CsrfTokenStoreOptions {
  /** How long a token is used when its cookies do not expire sooner. */
  tokenLifetimeSeconds?: number;
  maxEntries?: number;
  requestTimeoutMs?: number;
  dispatcher?: Dispatcher;
  now?: () => number;
  /** Told of a cookie the token endpoint set that cannot be sent on (never its value); process warnings by default. */
  warn?: (message: string) => void;
}

export const DEFAULT_CSRF_TOKEN_LIFETIME_SECONDS = 300;

const CSRF_TOKEN_VALUE = /^[\x21-\x7E]{1,4096}$/;

/** A short, secret-free name for credentials, e.g. `credentialIdentity('basic', authorizationHeader)`. */
export function credentialIdentity(kind: string, ...material: string[]): string {
  const hash = createHash('sha256');
  for (const part of material) hash.update(part).update('\0');
  return `${kind}:${hash.digest('hex').slice(0, 32)}`;
}

interface ParsedSetCookie {
  name: string;
  value: string;
  /** Epoch ms, when Max-Age or Expires gave one. */
  expiresAt?: number;
}

/**
 * The parts of a Set-Cookie line a proxy needs, read as a user agent reads them (RFC 6265 §5.2): the value is all
 * up to the first ";", trimmed, whatever it holds (whether it can be sent on is session-cookie-value.ts's
 * question); a line with no "=" or an empty name, which §5.2 ignores, gives `undefined`.
 */
export function parseSetCookie(line: string, now: number): ParsedSetCookie | undefined {
  const [pair = '', ...attributes] = line.split(';');
  const eq = pair.indexOf('=');
  if (eq < 0) return undefined;
  const name = trimWhitespace(pair.slice(0, eq));
  const value = trimWhitespace(pair.slice(eq + 1));
  if (name === '') return undefined;
  let maxAge: number | undefined;
  let expires: number | undefined;
  for (const attribute of attributes) {
    const [rawKey = '', ...rest] = attribute.split('=');
    const key = rawKey.trim().toLowerCase();
    const attrValue = rest.join('=').trim();
    if (key === 'max-age' && /^-?\d+$/.test(attrValue)) maxAge = Number(attrValue);
    else if (key === 'expires' && !Number.isNaN(Date.parse(attrValue))) expires = Date.parse(attrValue);
  }
  // Max-Age wins over Expires (RFC 6265 §5.3 step 3).
  const expiresAt = maxAge !== undefined ? now + maxAge * 1000 : expires;
  return expiresAt === undefined ? { name, value } : { name, value, expiresAt };
}

/** RFC 6265 §5.2 trims WSP (space and tab) only. */
function trimWhitespace(text: string): string {
  return text.replace(/^[ \t]+|[ \t]+$/g, '');
}

function cookieName(pair: string): string {
  const eq = pair.indexOf('=');
  return (eq < 0 ? pair : pair.slice(0, eq)).trim();
}

/**
 * The caller's Cookie header with the token endpoint's cookies added; a token-endpoint cookie replaces a caller
 * cookie of the same name, since the token is only valid with the session it was issued in.
 */
export function mergeCookieHeader(callerCookie: string | string[] | undefined, cookies: CsrfToken['cookies']): string | undefined {
  const replaced = new Set(cookies.map(([name]) => name));
  const caller = (Array.isArray(callerCookie) ? callerCookie : callerCookie === undefined ? [] : [callerCookie])
    .flatMap((header) => header.split(';'))
    .map((pair) => pair.trim())
    .filter((pair) => pair !== '' && !replaced.has(cookieName(pair)));
  const merged = [...caller, ...cookies.map(([name, value]) => `${name}=${value}`)];
  return merged.length > 0 ? merged.join('; ') : undefined;
}

/**
 * Puts the token and its session cookies on an outgoing request; a caller's own X-CSRF-Token is replaced.
 * Header names are lower case, as `upstreamRequestHeaders` produces them.
 */
export function applyCsrfToken(headers: OutgoingHeaders, token: CsrfToken): void {
  headers['x-csrf-token'] = token.value;
  const cookie = mergeCookieHeader(headers.cookie, token.cookies);
  if (cookie !== undefined) headers.cookie = cookie;
}

export class CsrfTokenStore {
  readonly #tokens: SingleFlightCache<CsrfToken>;
  readonly #lifetimeMs: number;
  readonly #timeoutMs: number;
  readonly #dispatcher: Dispatcher | undefined;
  readonly #now: () => number;
  readonly #warn: (message: string) => void;

  constructor(options: CsrfTokenStoreOptions = {}) {
    this.#tokens = new SingleFlightCache(options.maxEntries ?? 1000);
    this.#lifetimeMs = (options.tokenLifetimeSeconds ?? DEFAULT_CSRF_TOKEN_LIFETIME_SECONDS) * 1000;
    this.#timeoutMs = options.requestTimeoutMs ?? 10_000;
    this.#dispatcher = options.dispatcher;
    this.#now = options.now ?? Date.now;
    this.#warn = options.warn ?? ((message) => process.emitWarning(message));
  }

  source(endpoint: CsrfEndpoint): CsrfTokenSource {
    const key = JSON.stringify([endpoint.tokenEndpointUrl, endpoint.identity]);
    const frozen: CsrfEndpoint = { ...endpoint };
    return {
      key,
      token: (requestAuthorization) => this.#tokens.get(key, (token) => this.#now() < token.expiresAt, () => this.#fetch(frozen, requestAuthorization)),
      peek: () => this.#tokens.peek(key),
      invalidate: (token) => this.#tokens.evict(key, token),
    };
  }

  clear(): void {
    this.#tokens.clear();
  }

  get size(): number {
    return this.#tokens.size;
  }

  async #fetch(endpoint: CsrfEndpoint, requestAuthorization: string | undefined): Promise<CsrfToken> {
    const label = endpointLabel(endpoint.tokenEndpointUrl);
    // Authentication failures (a token endpoint down) propagate as they are: they are the auth step's errors.
    const auth = (await endpoint.authenticate?.(requestAuthorization)) ?? {};
    const started = this.#now();
    const deadline = callDeadline(this.#timeoutMs);
    let response: Dispatcher.ResponseData;
    try {
      response = await requestThrough(endpoint.dispatcher ?? this.#dispatcher, endpoint.tokenEndpointUrl, {
        method: 'GET',
        // As Kyma's CSRF client asks: any media type, and never a cached answer (a cached token belongs to
        // another session).
        headers: { ...auth, 'x-csrf-token': 'Fetch', accept: '*/*', 'cache-control': 'no-cache' },
        headersTimeout: this.#timeoutMs,
        bodyTimeout: this.#timeoutMs,
        signal: deadline.signal,
      });
      // The token is in the head: the body is read in the background, never waited for (one sent slowly would
      // hold back the token and every request waiting for it). A small body is read to its end so the connection
      // serves again; a larger one, or one still coming at the deadline, closes it.
      response.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
    } catch (error) {
      const failure = deadline.failureOf(error);
      throw new CredentialEndpointError('csrf-token', label, failure.kind, undefined, `CSRF token endpoint ${label} ${failure.text}`, failure.text, failure.code);
    }
    const status = response.statusCode;
    if (status < 200 || status > 299) {
      throw new CredentialEndpointError('csrf-token', label, 'http-status', status, `CSRF token endpoint ${label} answered HTTP ${status}`, `answered HTTP ${status}`);
    }
    const header = response.headers['x-csrf-token'];
    const value = Array.isArray(header) ? header[0] : header;
    if (value === undefined || !CSRF_TOKEN_VALUE.test(value) || value.toLowerCase() === 'required') {
      const answered = `answered HTTP ${status} without a usable X-CSRF-Token header`;
      throw new CredentialEndpointError('csrf-token', label, 'no-token', status, `CSRF token endpoint ${label} ${answered}`, answered);
    }

    const setCookie = response.headers['set-cookie'];
    const lines = Array.isArray(setCookie) ? setCookie : setCookie === undefined ? [] : [setCookie];
    let expiresAt = started + this.#lifetimeMs;
    const cookies = new Map<string, string>();
    for (const line of lines) {
      const cookie = parseSetCookie(line, started);
      if (!cookie) {
        this.#warn(`gatehouse: CSRF token endpoint ${label} sent a Set-Cookie with no cookie name (RFC 6265 §5.2 ignores it); the token is sent without it`);
        continue;
      }
      if (cookie.expiresAt !== undefined && cookie.expiresAt <= started) {
        cookies.delete(cookie.name);
        continue;
      }
      // Said, not dropped silently: a backend that binds the token to this cookie refuses it (403), and only this
      // says why.
      const sendable = cookieForHeader(cookie.name, cookie.value);
      if (!sendable.ok) {
        // A name that is no token is not quoted either: it may be a value that lost its "name=".
        const which = sendable.fault === 'name' ? 'a cookie' : `cookie "${cookie.name}"`;
        this.#warn(`gatehouse: CSRF token endpoint ${label} set ${which} that no Cookie header can carry (${sendable.problem}); the token is sent without it`);
        continue;
      }
      cookies.set(cookie.name, sendable.value);
      if (cookie.expiresAt !== undefined) expiresAt = Math.min(expiresAt, cookie.expiresAt);
    }
    return { value, cookies: [...cookies], expiresAt };
  }
}
