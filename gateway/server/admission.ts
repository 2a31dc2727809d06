// Stage 1, admit: is this a request the gateway will look at at all? Its target, its Host, its declared size.
import type { IncomingMessage } from 'node:http';
import { HTTP_METHODS, type Limits } from '../config/schema';
import { HeadOnlyAnswer, Refusal } from '../http/refusal';
import { forwardsLeft } from '../http/max-forwards';
import type { Exchange } from '../log/exchange';
import { requestHostname } from '../routing/router';
import { parseRequestTarget } from './request-path';
import { connectionTokens } from '../proxy/forward-headers';

/** RFC 9110 §7.2 Host = uri-host [ ":" port ]: an IP literal or a reg-name. */
const HOST_VALUE = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]*)(?::[0-9]*)?$/;

/**
 * RFC 9112 §3.2: one well-formed Host header, required in HTTP/1.1, also beside an absolute-form target, whose host
 * then stands in for it (§3.2.2: the server "MUST ignore the received Host header field"). Answers the header's host
 * name as routes match it ('' for an HTTP/1.0 request without one), or why the request is refused.
 */
function hostHeaderName(req: IncomingMessage): string | Refusal {
  const raw = req.rawHeaders;
  let hosts = 0;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length === 4 && raw[i]!.toLowerCase() === 'host') hosts += 1;
  }
  if (hosts > 1) return new Refusal(400, 'A request must have one Host header');
  if (hosts === 0) return req.httpVersion === '1.1' ? new Refusal(400, 'An HTTP/1.1 request must have a Host header') : '';
  const hostname = HOST_VALUE.test(req.headers.host!) ? requestHostname(req.headers.host) : undefined;
  return hostname ?? new Refusal(400, 'The Host header is not a host name or address');
}

/**
 * RFC 9112 §6.1 and §6.3: the final transfer coding must be `chunked` (else 400), and the gateway forwards bodies
 * re-framed, so `chunked` is the only coding it can honour (any other: 501). Node's parser already refuses a request whose final coding is not chunked; `foo, chunked` (or `foo` and
 * `chunked` in two headers) reaches here, and forwarding it would silently drop the `foo`.
 */
function transferCodingProblem(value: string): Refusal | undefined {
  if (value.length === 7 && value.toLowerCase() === 'chunked') return undefined;
  const codings = value.split(',').map((c) => c.split(';')[0]!.trim().toLowerCase()).filter((c) => c !== '');
  if (codings.at(-1) !== 'chunked') return new Refusal(400, 'The final transfer coding of a request must be chunked', { connection: 'close' }, 'BAD_TRANSFER_ENCODING');
  if (codings.indexOf('chunked') !== codings.length - 1) return new Refusal(400, 'The request applies the chunked transfer coding more than once', { connection: 'close' }, 'BAD_TRANSFER_ENCODING');
  return new Refusal(501, 'The request uses a transfer coding the gateway does not implement (only chunked)', { connection: 'close' }, 'UNSUPPORTED_TRANSFER_CODING');
}

const HTTP_09 = new Refusal(400, 'HTTP/0.9 requests are not supported', { connection: 'close' });

/**
 * RFC 9112 §6.1: HTTP/1.0 has no Transfer-Encoding, so a server receiving one in an HTTP/1.0 message "MUST treat it
 * as if the framing is faulty, even if a Content-Length is present, and close the connection after responding":
 * Node's parser reads the body as chunked, but a proxy in front reading the message as HTTP/1.0 may have framed it
 * otherwise, and what follows on the connection could be a request smuggled past it. nginx answers 400 too.
 */
const TRANSFER_ENCODING_IN_HTTP_10 = new Refusal(400, 'An HTTP/1.0 request must not have a Transfer-Encoding', { connection: 'close' }, 'BAD_TRANSFER_ENCODING');

/**
 * RFC 9110 §9.3.8: a backend answering TRACE echoes the request it received, and that request carries the
 * credentials the gateway adds for the backend: the very secret the gateway keeps from its callers. So TRACE is never
 * forwarded. 501, not 405: a 405 must list the methods the resource supports (its Allow), which only the backend
 * knows. (TRACK, IIS's variant, never gets here: Node's parser refuses methods it does not know with 400.)
 */
const TRACE_NOT_FORWARDED = new Refusal(
  501, 'TRACE is not forwarded: the backend would echo the credentials the gateway adds for it', undefined, 'TRACE_NOT_FORWARDED',
);

/**
 * CONNECT asks for a tunnel, which a reverse proxy does not open. 501 (the functionality is not supported), as for
 * TRACE: a 405 must state an Allow, and a tunnel's target (host:port) is no resource with methods.
 */
export const TUNNEL_NOT_SUPPORTED = new Refusal(501, 'CONNECT is not supported: the gateway is not a forward proxy', undefined, 'CONNECT_NOT_SUPPORTED');

/** RFC 9110 §10.1.1: an expectation other than 100-continue "MAY" get 417; the gateway knows no other. */
export const UNMET_EXPECTATION = new Refusal(417, 'The gateway can meet no expectation but 100-continue', undefined, 'EXPECTATION_FAILED');

/**
 * RFC 9110 §7.6.2: an OPTIONS whose Max-Forwards is 0 is for this recipient to answer, not to forward. The gateway
 * states no Allow or other capability of its own, since what the request could do is the backend's to say.
 */
const OPTIONS_ANSWERED_HERE = new Refusal(200, 'Max-Forwards is 0: the gateway answers this OPTIONS request itself and does not forward it');

/**
 * RFC 9110 §9.3.7: `OPTIONS *` asks about the server in general, so the gateway, not a backend, answers it: `200`
 * with an Allow of the methods it forwards (every method a route can name but TRACE, refused above). It names no
 * route, so it needs no credentials and discloses nothing. The gateway is its final recipient, so Max-Forwards
 * (§7.6.2) changes nothing about it.
 */
const SERVER_OPTIONS = new HeadOnlyAnswer(200, { allow: HTTP_METHODS.filter((method) => method !== 'TRACE').join(', ') });

/** The answer to `OPTIONS *` (above), once its Host is as any request's must be; logged with the path `*`. */
function serverOptions(req: IncomingMessage, exchange: Exchange): Refusal {
  exchange.path = exchange.entry.path = '*';
  const hostHeader = hostHeaderName(req);
  if (hostHeader instanceof Refusal) return hostHeader;
  exchange.host = req.headers.host;
  exchange.httpVersion = req.httpVersion;
  return SERVER_OPTIONS;
}

/**
 * WebSocket is not proxied: Upgrade and Connection are hop-by-hop and removed, so forwarding the request would hand
 * the backend half a handshake (Sec-WebSocket-Key without Upgrade) as a plain GET. The server has no 'upgrade'
 * listener, so Node hands upgrade requests to the request handler like any other.
 */
const WEBSOCKET_NOT_PROXIED = new Refusal(501, 'WebSocket upgrades are not proxied: the gateway forwards plain HTTP requests only', undefined, 'WEBSOCKET_NOT_PROXIED');

/** RFC 9110 §7.8: Upgrade lists protocol-name["/" version]; other protocols (curl --http2's h2c) are ignored and the request is served as HTTP/1.1. */
function asksForWebSocket(upgrade: string): boolean {
  return upgrade.split(',').some((offer) => offer.split('/')[0]!.trim().toLowerCase() === 'websocket');
}

/**
 * A request that asks to switch protocols (Upgrade, with `upgrade` in Connection): Node's parser stops at it and
 * drops whatever else the same read held, so a request pipelined behind it would get no answer and its connection
 * would hang. Its answer closes the connection instead (RFC 9112 §9.6), and the client sends again what went
 * unanswered (§9.3.2), as it does whenever a server closes a pipelined connection.
 */
export function asksToSwitchProtocols(req: IncomingMessage): boolean {
  return req.headers.upgrade !== undefined && connectionTokens(req.headers.connection).includes('upgrade');
}

export function bodyTooLarge(limits: Limits): Refusal {
  return new Refusal(413, `Request body larger than ${limits.maxBodyBytes} bytes`, { connection: 'close' }, 'BODY_TOO_LARGE');
}

/**
 * Sets the exchange's path, query, host and HTTP version; answers the host name routes match against, or why the
 * request is refused. A chunked body's size is checked as it streams (forward stage); a declared Content-Length is
 * checked here.
 */
export function admit(req: IncomingMessage, limits: Limits, exchange: Exchange): string | Refusal {
  // llhttp takes a request line without a version (even ended by a bare LF) as HTTP/0.9.
  if (req.httpVersionMajor !== 1) return HTTP_09;
  const method = req.method;
  if (method === 'TRACE') return TRACE_NOT_FORWARDED;
  // `OPTIONS *` at Max-Forwards 0 is answered as any `OPTIONS *` (below): the gateway is its final recipient anyway.
  if (method === 'OPTIONS' && forwardsLeft(req.headers['max-forwards']) === 0 && req.url !== '*') return OPTIONS_ANSWERED_HERE;
  const transferEncoding = req.headers['transfer-encoding'];
  if (transferEncoding !== undefined) {
    if (req.httpVersionMinor === 0) return TRANSFER_ENCODING_IN_HTTP_10;
    const problem = transferCodingProblem(transferEncoding);
    if (problem) return problem;
  }
  const upgrade = req.headers.upgrade;
  if (upgrade !== undefined && asksForWebSocket(upgrade)) return WEBSOCKET_NOT_PROXIED;
  const target = parseRequestTarget(req.url ?? '/');
  if (!target.ok) return target.asteriskForm && method === 'OPTIONS' ? serverOptions(req, exchange) : new Refusal(400, target.message);
  exchange.path = exchange.entry.path = target.path;
  exchange.query = target.query;
  const hostHeader = hostHeaderName(req);
  if (hostHeader instanceof Refusal) return hostHeader;
  if (limits.maxBodyBytes !== undefined && Number(req.headers['content-length'] ?? 0) > limits.maxBodyBytes) return bodyTooLarge(limits);
  exchange.host = target.authority ?? req.headers.host;
  exchange.httpVersion = req.httpVersion;
  return target.hostname ?? hostHeader;
}
