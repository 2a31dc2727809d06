import { maxHeaderSize } from 'node:http';
import { GatehouseError } from '../errors/gatehouse-error';
import { SERVER_CERTIFICATE_CODES } from '../http/server-certificate-codes';
import { statusAsSent } from '../http/status-codes';
import { hiddenParserRefusal } from './hidden-parser-refusals';
import { tlsRefusal, tlsRefusalWords } from './tls-refusal';

/**
 * A failed upstream call, mapped to the status the client sees: 502/504 when the upstream could not be reached or
 * failed, 500 when the gateway could not even put the request together (its own fault, said as such). Never
 * carries a secret.
 */
export class UpstreamError extends GatehouseError {
  constructor(
    readonly status: 500 | 502 | 503 | 504,
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}

// undici's and the OS's codes for a call that took too long: the gateway answers 504, its own calls say "timed out".
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);

/** undici's or the OS's code for a failed call (on the error or its cause), or `UNKNOWN`. */
export function errorCode(error: unknown): string {
  const e = error as { code?: unknown; cause?: { code?: unknown } } | undefined;
  const code = e?.code ?? e?.cause?.code;
  return typeof code === 'string' ? code : 'UNKNOWN';
}

/** undici and Node refusing the request the gateway built (a header value it cannot send, say) before any I/O. */
const GATEWAY_FAULT_CODES = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED', 'ERR_INVALID_CHAR', 'ERR_HTTP_INVALID_HEADER_VALUE', 'ERR_INVALID_ARG_TYPE', 'ERR_INVALID_ARG_VALUE']);

/** llhttp's reasons that name the Content-Length field: not a number, empty, past 2^64 - 1, repeated, beside Transfer-Encoding. */
const CONTENT_LENGTH_REFUSAL = /Content-Length/;

/**
 * The code for the log and the message: undici's HTTPParserError carries llhttp's HPE_ code only where undici maps
 * it (7.x passes the number llhttp returned to a table keyed by name, so `code` is undefined), so a parser error
 * without one is logged by its kind rather than as UNKNOWN, and one about the Content-Length field (which undici
 * may report as a length mismatch instead: hidden-parser-refusals.ts) as INVALID_CONTENT_LENGTH. undici's
 * SocketError (UND_ERR_SOCKET) is also how it refuses an upgrade nobody asked for, which is named for what came
 * rather than as a socket failure. A refused TLS handshake is logged by the alert the backend sent (tls-refusal.ts),
 * though undici reported the close that followed it.
 */
function codeOf(error: unknown): string {
  const handshake = tlsRefusal(error);
  if (handshake !== undefined) return handshake.code;
  const code = errorCode(error);
  const refusal = code.startsWith('HPE_') ? undefined : parserRefusal(error);
  if (refusal !== undefined) return CONTENT_LENGTH_REFUSAL.test(refusal) ? 'INVALID_CONTENT_LENGTH' : 'HTTP_PARSER_ERROR';
  // undici's word for a 101 to a request that asked for no upgrade, whatever its fields (undici's own refusal of one
  // with Upgrade and `Connection: upgrade`, unasked-informational-answers.ts's of the others): neither the proxy nor
  // the gateway's own calls ever ask (api-upgrade.js, the only other source, is not used).
  if (code === 'UND_ERR_SOCKET' && (error as { message?: unknown }).message === 'bad upgrade') return 'UNREQUESTED_UPGRADE';
  return code;
}

/**
 * llhttp's reason for refusing the response, when that is how the call failed: in undici's HTTPParserError, or
 * behind a length mismatch undici reported instead (hidden-parser-refusals.ts). A fixed text, never the upstream's
 * bytes.
 */
function parserRefusal(error: unknown): string | undefined {
  const hidden = hiddenParserRefusal(error);
  if (hidden !== undefined) return hidden;
  return (error as { name?: unknown } | undefined)?.name === 'HTTPParserError' ? parserReason(error) : undefined;
}

/** llhttp's reason inside undici's "Response does not match the HTTP/1.1 protocol (…)": a fixed text, never the upstream's bytes. */
function parserReason(error: unknown): string {
  const message = (error as { message?: unknown } | undefined)?.message;
  const reason = typeof message === 'string' ? /\((.+)\)$/.exec(message)?.[1] : undefined;
  return reason ?? 'not HTTP/1.1';
}

/**
 * The answer to an upstream whose status line carries a code outside 100–599 (`HTTP/1.1 999 Odd`, `HTTP/1.1 099 …`):
 * a 502 naming the code, as for any other invalid response (RFC 9110 §15.6.3), instead of the code relayed as if it
 * meant something. Peers differ: nginx's proxy_pass and Go's httputil.ReverseProxy (Kyma's Application Gateway's
 * proxy, whose 5xx → 502 rule stops at 599: reverseproxy.go, responseModifier) relay any three digits (nginx keeps its 502 "upstream sent invalid status" for a FastCGI/SCGI/uwsgi Status it
 * cannot read), while Node's own HTTP/2 refuses a status outside 100–599 (ERR_HTTP2_STATUS_INVALID); a client of the
 * gateway gets a status it can read by its class, and the developer the upstream's real code.
 */
export function notAnHttpStatus(statusCode: number, upstreamLabel: string): UpstreamError {
  return new UpstreamError(502, `Upstream ${upstreamLabel} answered status ${statusAsSent(statusCode)}, which is not an HTTP status (100 to 599) (INVALID_STATUS_CODE)`, 'INVALID_STATUS_CODE');
}

/**
 * A 101 the gateway never asked for (it proxies no upgrade), with or without Upgrade and `Connection: upgrade`:
 * undici's parser refuses every one as a "bad upgrade" (unasked-informational-answers.ts), which codeOf reads as
 * UNREQUESTED_UPGRADE, for the proxy and the gateway's own calls alike.
 */
const UNREQUESTED_UPGRADE = 'answered 101 Switching Protocols, which the gateway did not ask for';

/** undici's check on a status code, as Node's assert quotes it when it can read undici's source. */
const STATUS_CHECK = /assert\(statusCode\s*>=\s*100\)/;
const INVALID_STATUS_LINE = 'sent an invalid status line (a status code below 100)';

/**
 * What an upstream that was reached did wrong, or undefined when it was not reached (refused, not resolved, a TLS
 * failure). An upstream that answered badly is not "unreachable": the developer would go and check connectivity.
 * `answered`: its response head had arrived.
 */
function misbehaviour(error: unknown, code: string, answered: boolean, sending = false): string | undefined {
  if (code === 'HTTP_PARSER_ERROR' || code.startsWith('HPE_')) return `sent an invalid HTTP response (${parserRefusal(error) ?? parserReason(error)})`;
  switch (code) {
    case 'ERR_ASSERTION': {
      // undici's assertions fail on what it read from a connection, not on reaching one: the server answered. (In
      // the gateway's bundle, its whitespace left out, Node's assert cannot quote the check: "false == true".) The
      // status check fails only for the gateway's own calls (token and CSRF endpoints): the proxy stops a status
      // outside 100–599 at the head (forward.ts).
      const message = (error as { message?: unknown } | undefined)?.message;
      return typeof message === 'string' && STATUS_CHECK.test(message) ? INVALID_STATUS_LINE : "sent a response the gateway's HTTP client could not read";
    }
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
      // OpenSSL's (and BoringSSL's) word for an answer to its handshake that is no TLS record: the port is there and
      // speaks something else, typically an https:// URL for a plain HTTP port.
      return 'does not speak TLS on that port';
    case 'INVALID_CONTENT_LENGTH':
      return `sent a response with an invalid Content-Length (${parserRefusal(error)})`;
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
      // A head llhttp refused has its reason (codeOf), so once the head was taken this is the body: cut short, the
      // connection's end marking it (Connection: close). Otherwise (the gateway's own calls do not say; a reason not
      // found, another undici's connection) it may be either.
      return answered
        ? 'sent an invalid HTTP response (its body does not match its Content-Length)'
        : 'sent an invalid HTTP response (its body does not match its Content-Length, or its head was refused)';
    case 'UNREQUESTED_UPGRADE':
      return UNREQUESTED_UPGRADE;
    case 'TOO_MANY_INTERIM_ANSWERS':
      // Its own message names the limit (interim-answer-budget.ts).
      return `sent ${String((error as { message?: unknown }).message)}, and no final answer`;
    case 'UND_ERR_HEADERS_OVERFLOW':
      return `sent response headers over the ${Math.round(maxHeaderSize / 1024)} KiB limit`;
    case 'UND_ERR_SOCKET':
    case 'ECONNRESET':
    case 'EPIPE': {
      const how = connectionLoss(error);
      // undici's other socket failures name a response it will not read.
      if (how === undefined) return `sent a response that cannot be relayed (${String((error as { message?: unknown }).message)})`;
      if (answered) return `${how} the connection before its response was complete`;
      // An upstream refusing a large upload answers (413, 401) and closes without reading the rest: the gateway's next
      // write meets the close, and its answer, unread behind it, is lost (as in nginx, which says "while sending request
      // to upstream"). "Before answering" would say it never answered.
      return sending ? `${how} the connection while the request body was being sent` : `${how} the connection before answering`;
    }
    default:
      return undefined;
  }
}

/**
 * How the upstream's side of the connection went away, when that is the failure: `reset` (ECONNRESET), `closed`
 * (undici's "other side closed" or "closed", or EPIPE), or undefined for any other failure, including undici's
 * socket errors about a response it will not read and a connection that ended because the upstream refused its TLS
 * handshake (tls-refusal.ts): that is no connection lost but a refusal, which a new connection would meet again.
 */
export function connectionLoss(error: unknown): 'reset' | 'closed' | undefined {
  if (tlsRefusal(error) !== undefined) return undefined;
  const code = errorCode(error);
  if (code === 'ECONNRESET') return 'reset';
  if (code === 'EPIPE') return 'closed';
  if (code !== 'UND_ERR_SOCKET') return undefined;
  const message = (error as { message?: unknown }).message;
  return message === 'other side closed' || message === 'closed' ? 'closed' : undefined;
}

/**
 * How a call the gateway made failed, said of the server it called: `timed out`, what it did wrong
 * (`misbehaved`), a certificate the gateway does not accept (`untrusted`: it was reached, so not "unreachable"),
 * its refusal of the gateway's TLS handshake (`refused`: a client certificate it wanted or did not accept, say), or
 * `unreachable`. One reading for the proxied upstream and the gateway's own calls (token and CSRF endpoints).
 */
export interface CallFailure {
  kind: 'timeout' | 'misbehaved' | 'untrusted' | 'refused' | 'unreachable';
  /** undici's or the OS's error code, e.g. `ECONNREFUSED`, `UND_ERR_HEADERS_TIMEOUT`, `CERT_HAS_EXPIRED`. */
  code: string;
  /** What the server did, with the code: `unreachable (ECONNREFUSED)`; follows the server's name in a message. */
  text: string;
}

/** `answered`: the server's response head had arrived. */
export function callFailure(error: unknown, answered = false): CallFailure {
  const code = codeOf(error);
  if (TIMEOUT_CODES.has(code)) return { kind: 'timeout', code, text: `timed out (${code})` };
  const refusal = tlsRefusal(error);
  if (refusal !== undefined) return { kind: 'refused', code, text: `${tlsRefusalWords(refusal)} (${code})` };
  const wrong = misbehaviour(error, code, answered);
  if (wrong !== undefined) return { kind: 'misbehaved', code, text: `${wrong} (${code})` };
  if (SERVER_CERTIFICATE_CODES.has(code)) return { kind: 'untrusted', code, text: `presented a TLS certificate the gateway does not accept (${code})` };
  return { kind: 'unreachable', code, text: `unreachable (${code})` };
}

/**
 * The log's `error` for a request whose upstream stopped taking its body (the gateway's writes to it waiting) and did
 * not answer within responseMs: not a slow answer, since the upstream never had the whole request.
 */
export const UPSTREAM_STOPPED_READING = 'UPSTREAM_STOPPED_READING';

/**
 * Where the request's body was when the call failed before an answer: `sent` (or none), still `sending`, or
 * `stalled`: still sending, the gateway's writes waiting for the upstream to read.
 */
export type BodySending = 'sent' | 'sending' | 'stalled';

export function toUpstreamError(error: unknown, upstreamLabel: string, answered = false, body: BodySending = 'sent'): UpstreamError {
  if (error instanceof UpstreamError) return error;
  const code = codeOf(error);
  if (GATEWAY_FAULT_CODES.has(code)) return new UpstreamError(500, `Internal gateway error: the request for upstream ${upstreamLabel} could not be built (${code})`, code);
  if (!answered && body === 'stalled' && code === 'UND_ERR_HEADERS_TIMEOUT') {
    return new UpstreamError(504, `Upstream ${upstreamLabel} stopped reading the request body and did not answer in time (${UPSTREAM_STOPPED_READING})`, UPSTREAM_STOPPED_READING);
  }
  if (!answered && body !== 'sent' && connectionLoss(error) !== undefined) {
    return new UpstreamError(502, `Upstream ${upstreamLabel} ${misbehaviour(error, code, false, true)} (${code})`, code);
  }
  const failure = callFailure(error, answered);
  return new UpstreamError(failure.kind === 'timeout' ? 504 : 502, `Upstream ${upstreamLabel} ${failure.text}`, code);
}
