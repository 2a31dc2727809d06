// A captured exchange as a request to send again: for "Copy as curl" (either hop) and "Open in Try it".
// Masked values stay masked: the renderer never had them.
import type { CapturedExchange } from '../../../main/ipc/contract';
import { isCredentialHeader } from '../../../gateway/config/credential-names';
import { bodyText } from './body-preview';
import type { ExchangeForCurl } from './curl';
import { TRY_IT_METHODS, newHeaderRow, splitTarget, type TryItDraft, type TryItMethod } from '../state/tryit-store';

const MASKED_IN_URL = encodeURIComponent('••••••••');
/** Set by the gateway or by the connection, not by the caller. */
const NOT_CALLER_HEADERS = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'keep-alive', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port']);

function sendableBody(body: CapturedExchange['request']['body']): ExchangeForCurl['body'] {
  if (body.size === 0) return undefined;
  const whole = body.complete && !body.truncated && !body.dropped && body.kind !== 'binary';
  return whole ? { text: bodyText(body), size: body.size } : { size: body.size };
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

/** The Try it draft for sending the client's request again; credentials are left for the user to enter. */
export function tryItDraftFrom(exchange: CapturedExchange): { draft: Omit<TryItDraft, 'password'>; left: string[] } {
  const left: string[] = [];
  const { path, query } = splitTarget(exchange.request.target);
  const keptQuery = query.filter((row) => {
    if (encodeURIComponent(row.value) === MASKED_IN_URL || row.value === '••••••••') {
      left.push(`query parameter ${row.name}`);
      return false;
    }
    return true;
  });
  let username = '';
  const headers = exchange.request.headers.flatMap((h) => {
    if (NOT_CALLER_HEADERS.has(h.name)) return [];
    if (h.name === 'authorization') {
      const basicUser = /^Basic (.*):••••••••$/.exec(h.value)?.[1];
      if (basicUser !== undefined) username = basicUser;
      else left.push('the Authorization header');
      return [];
    }
    if (h.masked || isCredentialHeader(h.name)) {
      left.push(`header ${h.name}`);
      return [];
    }
    return [newHeaderRow(h.name, h.value)];
  });
  const body = sendableBody(exchange.request.body);
  if (body && body.text === undefined) left.push(`the ${body.size}-byte body (binary or not captured whole)`);
  const method = (TRY_IT_METHODS as readonly string[]).includes(exchange.request.method) ? (exchange.request.method as TryItMethod) : 'GET';
  return { draft: { method, path, query: keptQuery, headers, body: body?.text ?? '', username }, left };
}
