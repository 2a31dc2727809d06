// HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) of captured exchanges, for Chrome DevTools, HTTP
// Toolkit and friends. Credentials stay masked as the inspector shows them unless the user explicitly asks to
// include them: then the raw header values and URLs main kept beside each exchange are put back. Values the
// gateway masked inside captured bodies stay masked either way (the bodies were never kept unmasked).
// The second hop (what the backend received) goes in the custom `_gatehouse` field, which HAR allows.
import { STATUS_CODES } from 'node:http';
import type { BodyPreview, CapturedExchange, ExchangeCredentials, ExchangeHeader } from '../../../gateway/capture/exchange';
import { previewText } from '../../../gateway/config/body-text';

export interface HarOptions {
  /** Used for a request without a Host header. */
  gatewayUrl: string;
  creatorVersion: string;
  /** The raw values behind masked fields, or `undefined` to keep them masked. */
  credentialsOf?: (id: number) => ExchangeCredentials | undefined;
}

interface HarHeader { name: string; value: string }
interface HarContent { size: number; mimeType: string; text?: string; encoding?: string; comment?: string }


function headersOf(list: ExchangeHeader[], at: string, raw: ExchangeCredentials | undefined): HarHeader[] {
  return list.map((h, i) => ({ name: h.name, value: (h.masked && raw?.[`${at}.${i}`]) || h.value }));
}

function bodyComment(body: BodyPreview): string | undefined {
  if (body.dropped) return `body of ${body.size} bytes not kept (the inspector's memory limit)`;
  const notes: string[] = [];
  if (body.truncated) notes.push(`first ${Buffer.from(body.base64, 'base64').length} of ${body.size} bytes`);
  if (!body.complete) notes.push('the body had not ended when this was captured');
  return notes.length > 0 ? notes.join('; ') : undefined;
}

/** The body as text in its charset, or `undefined` when its bytes are not text (they go as base64). */
function textOf(body: BodyPreview): string | undefined {
  return previewText(body, Buffer.from(body.base64, 'base64'));
}

function content(body: BodyPreview): HarContent {
  const text = textOf(body);
  const harContent: HarContent = { size: body.size, mimeType: body.contentType ?? (text === undefined ? 'application/octet-stream' : '') };
  if (body.kind === 'empty') {
    // nothing to carry
  } else if (text === undefined) {
    harContent.text = body.base64;
    harContent.encoding = 'base64';
  } else {
    harContent.text = text;
  }
  const comment = bodyComment(body);
  if (comment) harContent.comment = comment;
  return harContent;
}

function requestUrl(exchange: CapturedExchange, raw: ExchangeCredentials | undefined, gatewayUrl: string): string {
  const target = raw?.['request.target'] ?? exchange.request.target;
  if (/^https?:\/\//i.test(target)) return target;
  const host = exchange.request.headers.find((h) => h.name === 'host')?.value;
  return host ? `http://${host}${target}` : `${gatewayUrl.replace(/\/$/, '')}${target}`;
}

function queryString(url: string): HarHeader[] {
  try {
    return [...new URL(url).searchParams].map(([name, value]) => ({ name, value }));
  } catch {
    return [];
  }
}

const nonNegative = (ms: number | undefined) => Math.max(0, Math.round((ms ?? 0) * 1000) / 1000);

function entry(exchange: CapturedExchange, options: HarOptions) {
  const raw = options.credentialsOf?.(exchange.id);
  const url = requestUrl(exchange, raw, options.gatewayUrl);
  const { request, response, timing, upstream } = exchange;
  const requestBody = request.body;
  const harRequest: Record<string, unknown> = {
    method: request.method,
    url,
    httpVersion: request.httpVersion,
    cookies: [],
    headers: headersOf(request.headers, 'request.headers', raw),
    queryString: queryString(url),
    headersSize: -1,
    bodySize: requestBody.size,
  };
  if (requestBody.size > 0) {
    const text = textOf(requestBody);
    const postData: Record<string, unknown> = { mimeType: requestBody.contentType ?? '', text: text ?? requestBody.base64 };
    const comment = [text === undefined ? 'text is base64 (binary body)' : undefined, bodyComment(requestBody)].filter(Boolean).join('; ');
    if (comment) postData.comment = comment;
    harRequest.postData = postData;
  }
  const responseHeaders = response ? headersOf(response.headers, 'response.headers', raw) : [];
  const status = response?.status ?? 0;
  const harResponse = {
    status,
    statusText: STATUS_CODES[status] ?? '',
    httpVersion: request.httpVersion,
    cookies: [],
    headers: responseHeaders,
    content: response ? content(response.body) : { size: 0, mimeType: '' },
    redirectURL: responseHeaders.find((h) => h.name === 'location')?.value ?? '',
    headersSize: -1,
    bodySize: response?.body.size ?? 0,
  };
  const blocked = nonNegative((timing.gatewayMs ?? 0) + (timing.tokenMs ?? 0) + (timing.csrfMs ?? 0));
  const total = nonNegative(timing.totalMs);
  const wait = upstream ? nonNegative(timing.upstreamMs) : Math.max(0, total - blocked);
  const result: Record<string, unknown> = {
    startedDateTime: new Date(exchange.startedAt).toISOString(),
    time: total,
    request: harRequest,
    response: harResponse,
    cache: {},
    timings: { blocked, dns: -1, connect: -1, ssl: -1, send: 0, wait, receive: Math.max(0, Math.round((total - blocked - wait) * 1000) / 1000) },
    // HAR 1.2: "Unique ID of the parent TCP/IP connection, can be the client or server port number".
    ...(exchange.clientPort !== undefined ? { connection: String(exchange.clientPort) } : {}),
    _gatehouse: {
      route: exchange.route,
      service: exchange.service,
      consumer: exchange.consumer,
      ...(exchange.error ? { error: exchange.error } : {}),
      ...(exchange.errorMessage ? { errorMessage: exchange.errorMessage } : {}),
      timing,
      ...(upstream
        ? {
            upstream: {
              url: raw?.['upstream.url'] ?? upstream.url,
              environment: upstream.environment,
              credentials: upstream.credentials,
              attempts: upstream.attempts.map((a, i) => ({ ...a, headers: headersOf(a.headers, `upstream.attempts.${i}.headers`, raw) })),
              // The backend was not called (a token could not be had): said so, where attempts is empty.
              ...(upstream.notCalled ? { notCalled: upstream.notCalled } : {}),
            },
          }
        : {}),
    },
  };
  return result;
}

export function exchangesToHar(exchanges: readonly CapturedExchange[], options: HarOptions): { log: Record<string, unknown> } {
  return {
    log: {
      version: '1.2',
      creator: { name: 'Gatehouse', version: options.creatorVersion },
      pages: [],
      entries: exchanges.map((e) => entry(e, options)),
      ...(options.credentialsOf ? { comment: 'Includes credentials: keep this file private.' } : { comment: 'Credentials are masked (••••••••).' }),
    },
  };
}
