// What the app's traffic inspector knows about one request, both hops of it. Plain data, shared by the gateway
// (which records it), main (which keeps and exports it) and the renderer (which shows it). Every header value,
// URL and body in here has already been masked by gateway/log/masked-headers.ts: this is the renderer-safe view.
// The raw values of what was masked travel beside it, gateway → main only, as `ExchangeCredentials`.

/** The first bytes of a body and what is known about the rest. Kept only in memory, never logged. */
export interface BodyPreview {
  /** Bytes seen so far; the whole body's size once `complete`. */
  size: number;
  /** The first bytes (at most the capture limit), base64; credentials the gateway knows of are masked in them. */
  base64: string;
  /** More bytes passed than were kept. */
  truncated: boolean;
  /** The body ended (false while it streams, or when the gateway answered before reading it). */
  complete: boolean;
  contentType?: string;
  /** How to show it: JSON pretty-printed, text as text, anything else as size and a hex preview. */
  kind: 'json' | 'text' | 'binary' | 'empty';
  /** The bytes were let go to keep the inspector's memory bounded (the oldest bodies go first). */
  dropped?: true;
}

export interface ExchangeHeader {
  name: string;
  /** As sent, or as masked when `masked`. */
  value: string;
  masked?: true;
  /**
   * The value's bytes were read as UTF-8 for `value` (Node reads header bytes as Latin-1, one character each): they
   * were valid UTF-8 and not all ASCII. On the wire the value was those bytes, as sent.
   */
  utf8?: true;
  /** Who put a masked value there: `endpoint` (the backend's credentials), `parameters` (a request-parameter secret), `csrf`, `cluster`. */
  source?: 'client' | 'endpoint' | 'parameters' | 'csrf' | 'cluster';
}

export type CredentialUse =
  | { kind: 'basic'; username: string }
  /** `attempt`: which call to the backend it was for (1 or 2), when the request was retried. */
  | { kind: 'oauth2'; tokenEndpoint: string; obtained: 'fetched' | 'cached'; expiresAt: number; waitedMs: number; attempt: number }
  | { kind: 'client-certificate'; subject: string; validTo: string }
  | { kind: 'csrf'; tokenEndpoint: string; obtained: 'fetched' | 'reused'; waitedMs: number; attempt: number }
  | { kind: 'request-parameters'; headers: string[]; query: string[] }
  | { kind: 'cluster-user' };

export interface UpstreamAttempt {
  /** The backend's status; absent when the call failed before an answer. */
  status?: number;
  /** Request headers the backend received on this attempt (undici adds framing headers such as content-length). */
  headers: ExchangeHeader[];
  /** From dispatch to the backend's response headers. */
  msToHeaders?: number;
  /**
   * `retried`: the answer was a rejection of a cached credential, dropped, and the request sent once more.
   * `resent`: the connection was closed or reset before any answer, and the (idempotent) request sent once more.
   */
  outcome: 'answered' | 'retried' | 'resent' | 'failed';
  /**
   * The call failed before any of the request reached the backend (its connection or TLS handshake failed), in
   * words: `connection refused (ECONNREFUSED)`. `headers` are then what it would have received.
   */
  notReached?: string;
}

export interface UpstreamHop {
  /** The URL the gateway called: after prefix stripping, Kyma path joining and query merging; secret query values masked. */
  url: string;
  environment: 'production' | 'sandbox';
  credentials: CredentialUse[];
  attempts: UpstreamAttempt[];
  /**
   * Why the gateway did not call the backend (no attempts), or not again (after a rejected credential), in words:
   * `fetching the token from https://idp/token failed: it answered HTTP 401 (invalid_client)`.
   */
  notCalled?: string;
}

export interface ExchangeTiming {
  /** Time the gateway spent on the request before calling the backend, token and CSRF waits excluded. */
  gatewayMs?: number;
  tokenMs?: number;
  csrfMs?: number;
  /** From the (last) call to the backend's response headers. */
  upstreamMs?: number;
  totalMs?: number;
}

export interface CapturedExchange {
  id: number;
  /** Epoch ms when the request arrived. */
  startedAt: number;
  /** `open` while the response streams; `complete` once the connection is done with it. */
  state: 'open' | 'complete';
  client: string;
  /**
   * The client's TCP port: with `client`, the connection the request came on. Try it sends each request on a
   * connection of its own and finds its exchange by this port, not by what the request looked like.
   */
  clientPort?: number;
  request: {
    method: string;
    /** Path and query as the client sent them, credential query values masked. */
    target: string;
    httpVersion: string;
    headers: ExchangeHeader[];
    body: BodyPreview;
  };
  response?: {
    status: number;
    headers: ExchangeHeader[];
    body: BodyPreview;
  };
  route: string | null;
  service: string | null;
  consumer: string | null;
  /** The log's code for what went wrong (`GATEHOUSE_TOKEN_ENDPOINT`, `ECONNREFUSED`). */
  error?: string;
  /** What went wrong in words, as the gateway told the client (its answer's message). */
  errorMessage?: string;
  upstream?: UpstreamHop;
  timing: ExchangeTiming;
}

/**
 * The raw values behind masked fields, keyed by where they sit (`request.headers.2`, `upstream.attempts.0.headers.4`,
 * `request.target`, `upstream.url`). Sent to main only, kept there for an export the user asks to include credentials
 * in, never sent to the renderer.
 */
export type ExchangeCredentials = Record<string, string>;

/** The first bytes of each body kept per exchange. */
export const BODY_CAPTURE_LIMIT = 256 * 1024;

/** One row of the traffic list: what the columns and filters need, without headers or bodies. */
export interface ExchangeSummary {
  id: number;
  startedAt: number;
  state: CapturedExchange['state'];
  method: string;
  target: string;
  status: number | null;
  service: string | null;
  route: string | null;
  consumer: string | null;
  totalMs: number | null;
  /** Size of the response body so far. */
  responseSize: number;
  error?: string;
  /** The backend was called twice (the one credential retry). */
  retried: boolean;
}

export function summarizeExchange(exchange: CapturedExchange): ExchangeSummary {
  const summary: ExchangeSummary = {
    id: exchange.id, startedAt: exchange.startedAt, state: exchange.state, method: exchange.request.method, target: exchange.request.target,
    status: exchange.response?.status ?? null, service: exchange.service, route: exchange.route, consumer: exchange.consumer,
    totalMs: exchange.state === 'complete' ? (exchange.timing.totalMs ?? null) : null, responseSize: exchange.response?.body.size ?? 0,
    retried: (exchange.upstream?.attempts.length ?? 0) > 1,
  };
  if (exchange.error) summary.error = exchange.error;
  return summary;
}
