// Records one exchange for the app's traffic inspector, both hops. Created only while capture is on (the app
// listens and has not paused it); the headless gateway never makes one, so the hot path pays one `if`.
//
// Masking happens here, as values are recorded: what leaves through `snapshot()` is the renderer-safe view; the
// raw values behind masked fields go into a separate map that main keeps for an explicit credentials export.
// Credentials the gateway knows of in this exchange (the client's and the injected ones) are also masked wherever
// else they show up, in any form a backend may echo them as (echoed-secrets.ts): in captured bodies, in every
// header value of both hops (`X-Received-Auth: Bearer …`, a `Location` carrying the request's query) and in the
// URLs. That is done at each snapshot, when every value the exchange used is known.
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { RequestLogEntry } from '../log/request-log';
import type { OutgoingHeaders } from '../proxy/forward-headers';
import type { SecurityIdentity, SecurityTrace } from '../security/outbound-security';
import type { UpstreamPlan } from '../server/compile-config';
import { basicUsername, isCredentialHeader, MASK, MASK_IN_URL, maskHeaderValue, maskedTarget } from '../log/masked-headers';
import { BodyCapture } from './body-capture';
import type { CredentialEndpointError } from '../security/credential-endpoint-error';
import { EchoedSecrets } from './echoed-secrets';
import { credentialEndpointWords } from './failure-words';
import { headerSecrets } from './header-secrets';
import { utf8View } from './utf8-header-view';
import type { CapturedExchange, CredentialUse, ExchangeCredentials, ExchangeHeader, UpstreamAttempt, UpstreamHop } from './exchange';

const round = (ms: number) => Math.round(ms * 100) / 100;

function headerEntries(headers: Record<string, string | string[] | number | undefined>): [string, string][] {
  const list: [string, string][] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) list.push([name.toLowerCase(), String(one)]);
  }
  return list;
}

/**
 * The head's fields as Node wrote them, once it has: with the ones Node adds itself (Connection, Keep-Alive,
 * Transfer-Encoding, Date), which the client received and the inspector is to show. Node keeps the written head
 * in `_header`, the only exact record of it; undefined before the head is out (or should that field go away).
 */
function writtenHead(res: ServerResponse): [string, string][] | undefined {
  const head = (res as ServerResponse & { _header?: unknown })._header;
  if (!res.headersSent || typeof head !== 'string') return undefined;
  const fields: [string, string][] = [];
  for (const line of head.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.push([line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()]);
  }
  return fields;
}

/** A flat `[name, value, name, value, …]` list, as `res.writeHead` also takes headers, in lower-case entries. */
function flatHeaderEntries(flat: readonly unknown[]): [string, string][] {
  const list: [string, string][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) list.push([String(flat[i]).toLowerCase(), String(flat[i + 1])]);
  return list;
}

function contentTypeOf(headers: ExchangeHeader[]): string | undefined {
  return headers.find((h) => h.name === 'content-type')?.value;
}

/** The values `maskedTarget` hid: backends echo URLs, so they are masked in bodies too. */
function maskedQueryValues(raw: string, masked: string): string[] {
  const values: string[] = [];
  const rawPairs = raw.slice(raw.indexOf('?') + 1).split('&');
  const maskedPairs = masked.slice(masked.indexOf('?') + 1).split('&');
  rawPairs.forEach((pair, i) => {
    if (pair !== maskedPairs[i]) {
      const value = pair.slice(pair.indexOf('=') + 1);
      values.push(value);
      try {
        values.push(decodeURIComponent(value.replace(/\+/g, ' ')));
      } catch {}
    }
  });
  return values;
}

export interface UpstreamCall {
  plan: UpstreamPlan;
  environment: 'production' | 'sandbox';
  /** Origin-relative path and query called. */
  path: string;
}

export class ExchangeRecorder {
  readonly #started = performance.now();
  readonly #startedAt = Date.now();
  readonly #requestBody = new BodyCapture();
  readonly #responseBody = new BodyCapture();
  readonly #credentials: ExchangeCredentials = {};
  /** Credential values seen in this exchange, masked wherever they show up. */
  readonly #secrets = new Set<string>();
  readonly #requestHeaders: ExchangeHeader[];
  readonly #rawTarget: string;
  /** With credential query parameters masked by name; echoed values are masked at each snapshot. */
  readonly #target: string;
  /** The headers given to `res.writeHead` (an object or a flat list), which `res.getHeaders()` does not show. */
  #responseHeaders: [string, string][] = [];
  #upstream: UpstreamHop | undefined;
  #rawUpstreamUrl = '';
  #maskedQuery = new Set<string>();
  #parameterHeaders = new Set<string>();
  #endpointAuthorization: string | undefined;
  /** The backend is behind the API server, whose user's Authorization replaces the client's. */
  #clusterAuthorization = false;
  #tokenMs = 0;
  #csrfMs = 0;
  #traces: SecurityTrace[] = [];
  #identity: SecurityIdentity = {};
  readonly #attemptStarted: number[] = [];
  #gatewayMs: number | undefined;
  #entry: RequestLogEntry | undefined;
  /** What the gateway told the client went wrong, when it answered a failure itself. */
  #errorMessage: string | undefined;
  /** Read at the start: once the connection closes, its socket no longer knows its peer. */
  readonly #clientPort: number | undefined;

  constructor(
    readonly id: number,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
  ) {
    this.#requestHeaders = this.#maskHeaders(headerEntries(req.headers), 'request.headers', () => 'client');
    this.#clientPort = req.socket?.remotePort;
    const target = req.url ?? '/';
    this.#rawTarget = target;
    this.#target = maskedTarget(target);
    if (this.#target !== target) for (const value of maskedQueryValues(target, this.#target)) this.#secrets.add(value);
    this.#observeRequestBody();
    this.#observeResponse();
  }

  #maskHeaders(list: [string, string][], at: string, sourceOf: (name: string) => ExchangeHeader['source']): ExchangeHeader[] {
    return list.map(([name, value], i) => {
      const forced = this.#parameterHeaders.has(name);
      if (!forced && !isCredentialHeader(name)) return { name, value };
      const masked = forced ? maskHeaderValue('x-api-key', value) : maskHeaderValue(name, value);
      if (masked === value) return { name, value };
      this.#credentials[`${at}.${i}`] = value;
      for (const secret of headerSecrets(forced ? 'x-api-key' : name, value)) this.#secrets.add(secret);
      return { name, value: masked, masked: true, source: sourceOf(name) };
    });
  }

  // The parser hands each body chunk to `push`: watching it sees the body without reading it, so whoever
  // consumes the request (undici, the replay buffer) gets it exactly as before.
  #observeRequestBody(): void {
    const req = this.req;
    const push = req.push.bind(req);
    req.push = (chunk: unknown, encoding?: BufferEncoding) => {
      if (chunk === null) this.#requestBody.end();
      else this.#requestBody.add(chunk as Buffer | string, encoding);
      return push(chunk, encoding);
    };
    if (req.complete) this.#requestBody.end();
  }

  // writeHead's headers are not visible through getHeaders(), and write/end carry the body: each is watched once.
  #observeResponse(): void {
    const res = this.res;
    const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
    res.writeHead = ((...args: unknown[]) => {
      const headers = args.find((a, i) => i > 0 && typeof a === 'object' && a !== null);
      if (Array.isArray(headers)) this.#responseHeaders = flatHeaderEntries(headers);
      else if (headers) this.#responseHeaders = headerEntries(headers as OutgoingHttpHeaders);
      return writeHead(...args);
    }) as ServerResponse['writeHead'];
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (chunk !== undefined && chunk !== null) this.#responseBody.add(chunk as Buffer | string, typeof rest[0] === 'string' ? (rest[0] as BufferEncoding) : undefined);
      return write(chunk, ...rest);
    }) as ServerResponse['write'];
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      if (chunk !== undefined && chunk !== null && typeof chunk !== 'function') this.#responseBody.add(chunk as Buffer | string, typeof rest[0] === 'string' ? (rest[0] as BufferEncoding) : undefined);
      this.#responseBody.end();
      return end(chunk, ...rest);
    }) as ServerResponse['end'];
  }

  /** The backend chosen for this request, before any credential is added. */
  calling(call: UpstreamCall): void {
    const { plan } = call;
    const security = plan.security;
    this.#identity = security.identity;
    this.#maskedQuery = new Set(security.requestParameters.queryParameters.keys());
    this.#parameterHeaders = new Set(security.requestParameters.headers.keys());
    this.#endpointAuthorization = security.authorization;
    this.#clusterAuthorization = plan.cluster !== undefined;
    for (const values of security.requestParameters.headers.values()) for (const v of values) this.#secrets.add(v);
    for (const values of security.requestParameters.queryParameters.values()) for (const v of values) this.#secrets.add(v);
    const rawUrl = plan.origin + call.path;
    const url = maskedTarget(rawUrl, this.#maskedQuery);
    this.#rawUpstreamUrl = rawUrl;
    const credentials: CredentialUse[] = [];
    if (security.authorization) credentials.push({ kind: 'basic', username: basicUsername(security.authorization) ?? '' });
    if (security.identity.clientCertificate) credentials.push({ kind: 'client-certificate', ...security.identity.clientCertificate });
    if (security.requestParameters.headers.size > 0 || security.requestParameters.queryParameters.size > 0) {
      credentials.push({ kind: 'request-parameters', headers: [...security.requestParameters.headers.keys()], query: [...security.requestParameters.queryParameters.keys()] });
    }
    if (plan.cluster) credentials.push({ kind: 'cluster-user' });
    this.#upstream = { url, environment: call.environment, credentials, attempts: [] };
  }

  /** A trace for one `applyOutboundSecurity` call: how the token and CSRF token were had, and how long that took. */
  securityTrace(): SecurityTrace {
    const trace: SecurityTrace = {};
    this.#traces.push(trace);
    return trace;
  }

  /** The head as set so far (before it is written): what `res.setHeader` set, then what `writeHead` was given. */
  #headersToWrite(): [string, string][] {
    const given = new Set(this.#responseHeaders.map(([name]) => name));
    return [...headerEntries(this.res.getHeaders()).filter(([name]) => !given.has(name)), ...this.#responseHeaders];
  }

  /** One call to the backend is about to go out with `headers` (the last word on what it receives). */
  attempt(headers: OutgoingHeaders): number {
    const upstream = this.#upstream;
    if (!upstream) return -1;
    const index = upstream.attempts.length;
    this.#attemptStarted[index] = performance.now();
    const trace = this.#traces[index];
    if (trace) this.#noteTrace(trace, upstream, index + 1);
    // Time spent before the first call, the first token and CSRF waits taken out.
    if (index === 0) this.#gatewayMs = this.#attemptStarted[0]! - this.#started - (trace?.token?.ms ?? 0) - (trace?.csrf?.ms ?? 0);
    const sourceOf = (name: string): ExchangeHeader['source'] => {
      if (this.#parameterHeaders.has(name)) return 'parameters';
      if (name === 'x-csrf-token' || name === 'cookie') return trace?.csrf ? 'csrf' : 'client';
      if (name === 'authorization') {
        if (this.#clusterAuthorization) return 'cluster';
        if (this.#endpointAuthorization !== undefined || trace?.token) return 'endpoint';
      }
      return 'client';
    };
    upstream.attempts.push({ headers: this.#maskHeaders(headerEntries(headers), `upstream.attempts.${index}.headers`, sourceOf), outcome: 'answered' });
    return index;
  }

  #noteTrace(trace: SecurityTrace, upstream: UpstreamHop, attempt: number): void {
    const identity = this.#identity;
    if (trace.token) {
      this.#tokenMs += trace.token.ms;
      upstream.credentials.push({ kind: 'oauth2', tokenEndpoint: identity.oauthTokenEndpoint ?? '', obtained: trace.token.fetched ? 'fetched' : 'cached', expiresAt: trace.token.expiresAt, waitedMs: round(trace.token.ms), attempt });
    }
    if (trace.csrf) {
      this.#csrfMs += trace.csrf.ms;
      upstream.credentials.push({ kind: 'csrf', tokenEndpoint: identity.csrfTokenEndpoint ?? '', obtained: trace.csrf.fetched ? 'fetched' : 'reused', waitedMs: round(trace.csrf.ms), attempt });
    }
  }

  /** The backend's response headers arrived for attempt `index`; `retried` when they are dropped for a retry. */
  answered(index: number, status: number, retried: boolean): void {
    const attempt: UpstreamAttempt | undefined = this.#upstream?.attempts[index];
    if (!attempt) return;
    attempt.status = status;
    attempt.msToHeaders = round(performance.now() - this.#attemptStarted[index]!);
    if (retried) attempt.outcome = 'retried';
  }

  /** Attempt `index` lost its connection before an answer, and the request goes out once more. */
  resent(index: number): void {
    const attempt = this.#upstream?.attempts[index];
    if (attempt) attempt.outcome = 'resent';
  }

  /**
   * Attempt `index` failed. `answeredStatus`: the status its head carried when that is what failed it (no HTTP
   * status, proxy/forward.ts); the inspector shows the backend's real answer beside the gateway's 502.
   */
  failed(index: number, answeredStatus?: number, notReached?: string): void {
    const attempt = this.#upstream?.attempts[index];
    if (!attempt) return;
    if (answeredStatus !== undefined) attempt.status = answeredStatus;
    if (answeredStatus !== undefined || attempt.status === undefined) attempt.outcome = 'failed';
    if (notReached !== undefined && attempt.status === undefined) attempt.notReached = notReached;
  }

  /** A token or CSRF endpoint failed, so the backend was not called (or not called again, for a retry). */
  credentialEndpointFailed(error: CredentialEndpointError): void {
    if (this.#upstream) this.#upstream.notCalled = credentialEndpointWords(error);
  }

  /** The gateway answered a failure itself, saying `message` (its answer's body says the same). */
  answeredFailure(message: string): void {
    this.#errorMessage = message;
  }

  /** The log entry, once the connection is done with the response. */
  finish(entry: RequestLogEntry): void {
    this.#entry = entry;
  }

  get complete(): boolean {
    return this.#entry !== undefined;
  }

  /**
   * `list` as the inspector shows it: the exchange's credential values masked inside the values not masked by name
   * (a backend's `X-Received-Auth`, a `Location` holding the request's query), the raw value kept for an export, as
   * for those; then UTF-8 bytes read as UTF-8 (utf8-header-view.ts). In that order: the search for echoed values
   * reads one character per byte, as Node gives the values.
   */
  #shownHeaders(list: ExchangeHeader[], at: string, secrets: EchoedSecrets): ExchangeHeader[] {
    return list.map((header, i) => {
      if (header.masked) return header;
      const value = secrets.none ? header.value : secrets.maskText(header.value, MASK);
      const utf8 = utf8View(value, MASK);
      const shown: ExchangeHeader = utf8 === undefined ? { name: header.name, value } : { name: header.name, value: utf8, utf8: true };
      if (value === header.value) return utf8 === undefined ? header : shown;
      this.#credentials[`${at}.${i}`] = header.value;
      return { ...shown, masked: true, source: 'client' };
    });
  }

  /** A URL with echoed credential values masked too; the raw one kept under `at` when anything was. */
  #urlMasked(raw: string, maskedByName: string, at: string, secrets: EchoedSecrets): string {
    const shown = secrets.maskText(maskedByName, MASK_IN_URL);
    if (shown !== raw) this.#credentials[at] = raw;
    return shown;
  }

  snapshot(): { exchange: CapturedExchange; credentials: ExchangeCredentials } {
    const entry = this.#entry;
    const res = this.res;
    // Masked by name first: a Set-Cookie's value is one more the exchange knows of.
    const responseHeaders = res.headersSent || entry ? this.#maskHeaders(writtenHead(res) ?? this.#headersToWrite(), 'response.headers', () => 'client') : undefined;
    const secrets = new EchoedSecrets(this.#secrets);
    const requestHeaders = this.#shownHeaders(this.#requestHeaders, 'request.headers', secrets);
    const requestBody = this.#requestBody.preview(secrets, contentTypeOf(requestHeaders));
    const exchange: CapturedExchange = {
      id: this.id,
      startedAt: this.#startedAt,
      state: entry ? 'complete' : 'open',
      client: this.req.socket?.remoteAddress ?? entry?.client ?? 'unknown',
      ...(this.#clientPort !== undefined ? { clientPort: this.#clientPort } : {}),
      request: { method: this.req.method ?? 'GET', target: this.#urlMasked(this.#rawTarget, this.#target, 'request.target', secrets), httpVersion: `HTTP/${this.req.httpVersion}`, headers: requestHeaders, body: requestBody },
      route: entry?.route ?? null,
      service: entry?.service ?? null,
      consumer: entry?.consumer ?? null,
      timing: {},
    };
    if (responseHeaders) {
      const headers = this.#shownHeaders(responseHeaders, 'response.headers', secrets);
      exchange.response = { status: entry?.status ?? res.statusCode, headers, body: this.#responseBody.preview(secrets, contentTypeOf(headers)) };
    }
    if (entry?.error) exchange.error = entry.error;
    if (this.#errorMessage !== undefined) exchange.errorMessage = secrets.maskText(this.#errorMessage, MASK);
    const upstream = this.#upstream;
    if (upstream) {
      exchange.upstream = {
        ...upstream,
        url: this.#urlMasked(this.#rawUpstreamUrl, upstream.url, 'upstream.url', secrets),
        ...(upstream.notCalled !== undefined ? { notCalled: secrets.maskText(upstream.notCalled, MASK) } : {}),
        attempts: upstream.attempts.map((a, i) => ({ ...a, headers: this.#shownHeaders(a.headers, `upstream.attempts.${i}.headers`, secrets) })),
      };
    }
    const timing = exchange.timing;
    if (this.#gatewayMs !== undefined) timing.gatewayMs = round(Math.max(0, this.#gatewayMs));
    if (this.#tokenMs > 0) timing.tokenMs = round(this.#tokenMs);
    if (this.#csrfMs > 0) timing.csrfMs = round(this.#csrfMs);
    if (entry?.upstreamMs !== null && entry?.upstreamMs !== undefined) timing.upstreamMs = entry.upstreamMs;
    else {
      const last = this.#upstream?.attempts.at(-1)?.msToHeaders;
      if (last !== undefined) timing.upstreamMs = last;
    }
    timing.totalMs = entry ? entry.totalMs : round(performance.now() - this.#started);
    return { exchange, credentials: this.#credentials };
  }
}
