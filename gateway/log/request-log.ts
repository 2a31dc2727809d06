import { batchPerTurn } from './turn-batch';

/** One structured line per request. Holds no header values, no query string, no credential. */
export interface RequestLogEntry {
  time: string;
  method: string;
  path: string;
  route: string | null;
  service: string | null;
  consumer: string | null;
  status: number;
  upstreamMs: number | null;
  totalMs: number;
  client: string;
  error?: string;
  /** The status the upstream answered when it is no HTTP status (outside 100–599) and the client got a 502 for it. */
  upstreamStatus?: number;
  /**
   * The upstream connection was lost before any answer (the code, e.g. UND_ERR_SOCKET), and this idempotent request
   * was sent once more (proxy/forward.ts); `status` and `upstreamMs` are the second call's.
   */
  resentAfter?: string;
  /**
   * A token or CSRF token endpoint failed (`error` GATEHOUSE_TOKEN_ENDPOINT or GATEHOUSE_CSRF_TOKEN): its origin and
   * path (its query may carry parameters from a secret), and its HTTP status when it answered.
   */
  tokenEndpoint?: string;
  tokenEndpointStatus?: number;
  /**
   * What failed there: the call's code (ECONNREFUSED, CERT_HAS_EXPIRED, GATEHOUSE_CALL_DEADLINE), the OAuth `error`
   * it answered (invalid_client; never its error_description), INVALID_TOKEN_RESPONSE or NO_CSRF_TOKEN.
   */
  tokenEndpointError?: string;
}

export type RequestLogSink = (entry: RequestLogEntry) => void;

/**
 * JSON lines, written once per event-loop turn rather than one syscall per request. One sink takes the request
 * lines and the connection lines (log/connection-log.ts), so they come out in the order they were logged.
 */
export function jsonLineSink<Entry = RequestLogEntry>(write: (text: string) => void): (entry: Entry) => void {
  return batchPerTurn<Entry>((entries) => {
    let text = '';
    for (const entry of entries) text += `${JSON.stringify(entry)}\n`;
    write(text);
  });
}
