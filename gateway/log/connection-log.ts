import { isoTimeNow } from './iso-time';

/**
 * A log line about an upstream connection rather than a request: what undici saw on a connection that no request
 * was waiting on, found after the request's own line may be written. It names the upstream's origin and what
 * happened, never a byte the upstream sent (those could hold anything, a secret included).
 */
export interface ConnectionLogEntry {
  time: string;
  /** The upstream's origin (scheme, host, port: no path, no credentials). */
  upstream: string;
  error: ConnectionLogError;
  message: string;
}

/** Every `error` a connection line may carry: the app shows a line only with one of these (main/ipc/contract.ts). */
export const CONNECTION_LOG_ERRORS = ['UPSTREAM_BYTES_AFTER_RESPONSE'] as const;
export type ConnectionLogError = (typeof CONNECTION_LOG_ERRORS)[number];

export type ConnectionLogSink = (entry: ConnectionLogEntry) => void;

/** The upstream sent bytes after a complete response (beyond its Content-Length, after its last chunk). */
export function bytesAfterResponseEntry(origin: string): ConnectionLogEntry {
  return {
    time: isoTimeNow(),
    upstream: origin,
    error: 'UPSTREAM_BYTES_AFTER_RESPONSE',
    message: `upstream ${origin} sent bytes after a complete response; connection closed`,
  };
}
