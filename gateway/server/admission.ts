// Stage 1, admit: is this a request the gateway will look at at all? Its target, its Host, its declared size.
import type { IncomingMessage } from 'node:http';
import type { Limits } from '../config/schema';
import { Refusal } from '../http/refusal';
import type { Exchange } from '../log/exchange';
import { requestHostname } from '../routing/router';
import { parseRequestTarget } from './request-path';

/** RFC 9110 §7.2 Host = uri-host [ ":" port ]: an IP literal or a reg-name. */
const HOST_VALUE = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]*)(?::[0-9]*)?$/;

/** RFC 9112 §3.2: one well-formed Host header, required in HTTP/1.1; an absolute-form target's host must be the same one. */
function hostProblem(req: IncomingMessage, targetHostname: string | undefined): string | undefined {
  const raw = req.rawHeaders;
  let hosts = 0;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length === 4 && raw[i]!.toLowerCase() === 'host') hosts += 1;
  }
  if (hosts > 1) return 'A request must have one Host header';
  if (hosts === 0) return req.httpVersion === '1.1' ? 'An HTTP/1.1 request must have a Host header' : undefined;
  if (!HOST_VALUE.test(req.headers.host!)) return 'The Host header is not a host name or address';
  if (targetHostname !== undefined && requestHostname(req.headers.host) !== targetHostname) return 'The request target and the Host header name different hosts';
  return undefined;
}

export function bodyTooLarge(limits: Limits): Refusal {
  return new Refusal(413, `Request body larger than ${limits.maxBodyBytes} bytes`, { connection: 'close' }, 'BODY_TOO_LARGE');
}

/**
 * Sets the exchange's path and query; answers the host name routes match against, or why the request is refused.
 * A chunked body's size is checked as it streams (forward stage); a declared Content-Length is checked here.
 */
export function admit(req: IncomingMessage, limits: Limits, exchange: Exchange): string | Refusal {
  const target = parseRequestTarget(req.url ?? '/');
  if (!target.ok) return new Refusal(400, target.message);
  exchange.path = exchange.entry.path = target.path;
  exchange.query = target.query;
  const badHost = hostProblem(req, target.hostname);
  if (badHost) return new Refusal(400, badHost);
  if (limits.maxBodyBytes !== undefined && Number(req.headers['content-length'] ?? 0) > limits.maxBodyBytes) return bodyTooLarge(limits);
  return target.hostname ?? requestHostname(req.headers.host);
}
