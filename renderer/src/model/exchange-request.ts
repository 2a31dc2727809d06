// A captured exchange as a request to send again: for "Copy as curl" (either hop) and "Open in Try it".
// Masked values stay masked: the renderer never had them.
import type { CapturedExchange } from '../../../main/ipc/contract';
import { decodeBodyText } from '../../../gateway/config/body-text';
import { bodyBytes } from './body-preview';
import type { ExchangeForCurl } from './curl';

export function sendableBody(body: CapturedExchange['request']['body']): ExchangeForCurl['body'] {
  if (body.size === 0) return undefined;
  // Only a body that is valid UTF-8 goes along as text: curl and Try it send text as UTF-8, so a body in another
  // charset (or not text at all) would reach the server as other bytes than the client sent.
  const text = body.complete && !body.truncated && !body.dropped && body.kind !== 'binary' ? decodeBodyText(bodyBytes(body), undefined, false) : undefined;
  return text !== undefined ? { text, size: body.size } : { size: body.size };
}

/** The client's request (to the gateway); `gatewayUrl` when it carried no Host header. */
export function clientRequest(exchange: CapturedExchange, gatewayUrl: string): ExchangeForCurl {
  const host = exchange.request.headers.find((h) => h.name === 'host')?.value;
  const target = exchange.request.target;
  const url = /^https?:\/\//.test(target) ? target : `${host ? `http://${host}` : gatewayUrl.replace(/\/$/, '')}${target}`;
  return { method: exchange.request.method, url, headers: exchange.request.headers, body: sendableBody(exchange.request.body) };
}

/** What the backend received on the last attempt, or `undefined` when the gateway did not call one. */
export function backendRequest(exchange: CapturedExchange): ExchangeForCurl | undefined {
  const attempt = exchange.upstream?.attempts.at(-1);
  if (!exchange.upstream || !attempt) return undefined;
  return { method: exchange.request.method, url: exchange.upstream.url, headers: attempt.headers, body: sendableBody(exchange.request.body) };
}
