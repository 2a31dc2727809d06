import type { RequestLogEntry } from './request-log';
import type { ExchangeRecorder } from '../capture/exchange-recorder';
import { isoTimeNow } from './iso-time';

/** What the gateway added for the backend: a compile-time property of the endpoint (see OutboundSecurity). */
export type OutboundCredentialKind = 'none' | 'basic' | 'oauth2' | 'client-certificate' | 'cluster' | 'caller-access-token';

/**
 * One request's way through the gateway, filled in stage by stage (server/gateway-server.ts lists the stages).
 * The request log and the app's traffic capture read it when the response closes; nothing here holds a header
 * value or a credential. A class, so every exchange has the same shape on the hot path.
 */
export class Exchange {
  /** `performance.now()` when the request reached the handler. */
  readonly started: number;
  /** The log line, completed when the response closes. */
  readonly entry: RequestLogEntry;
  /** The client's address and the port it connected to. */
  readonly client: string;
  readonly localPort: number;
  /** The normalised request path and its raw query (with "?"), once admitted. */
  path = '';
  query = '';
  /**
   * Once admitted: the host (and port) the client asked for, as it named them: an absolute-form target's, else its
   * Host header's; and the HTTP version it spoke ("1.1", "1.0").
   */
  host: string | undefined = undefined;
  httpVersion = '';
  /** The service's endpoint chosen for the request. */
  environment: 'production' | 'sandbox' | undefined = undefined;
  /** Origin of the backend the request went to, and the origin-relative path and query it asked for. */
  upstreamOrigin: string | undefined = undefined;
  upstreamPath: string | undefined = undefined;
  /** The credential the gateway sent the backend. */
  credential: OutboundCredentialKind = 'none';
  /** The backend rejected a cached credential and the request went out a second time with a fresh one. */
  retried = false;
  /** `performance.now()` when the upstream request was written to a connection (the last attempt), or 0. */
  dispatchedAt = 0;
  /** `performance.now()` when the upstream's response head arrived, or 0. */
  responseStartAt = 0;
  /**
   * The upstream call in flight, told when the client's connection closes so it stops waiting for an answer. Only
   * that method is visible here: the call's object also holds the outgoing request (credentials included), which
   * neither the log nor the capture reads, and it is dropped when the call settles.
   */
  upstreamCall: { clientClosed(): void } | undefined = undefined;
  /** The app's traffic inspector records this exchange (only while the app has capture on; never headless). */
  recorder: ExchangeRecorder | undefined = undefined;

  /** Completes the log line with the status the client saw and the time taken; answers it. */
  finish(status: number): RequestLogEntry {
    this.entry.status = status;
    this.entry.totalMs = Math.round((performance.now() - this.started) * 100) / 100;
    return this.entry;
  }

  /** The request method, as the log line has it. */
  get method(): string {
    return this.entry.method;
  }

  constructor(started: number, method: string, rawTarget: string, client: string, localPort: number) {
    this.started = started;
    this.client = client;
    this.localPort = localPort;
    this.entry = {
      time: isoTimeNow(), method, path: displayPath(rawTarget),
      route: null, service: null, consumer: null, status: 0, upstreamMs: null, totalMs: 0, client,
    };
  }
}

/** The path shown for a request whose target the gateway did not accept (replaced once it is admitted). */
function displayPath(rawTarget: string): string {
  return rawTarget.startsWith('/') ? rawTarget.replace(/[?#][^]*$/, '') : '(not a path)';
}
