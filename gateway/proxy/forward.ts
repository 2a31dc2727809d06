import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { Dispatcher } from 'undici';
import { downstreamResponseHeaders, type OutgoingHeaders } from './forward-headers';
import { toUpstreamError } from './upstream-errors';

export interface ForwardRequest {
  dispatcher: Dispatcher;
  /** Origin-relative path including the query string. */
  path: string;
  headers: OutgoingHeaders;
  /** Used in error messages: the upstream's origin and path, never credentials. */
  upstreamLabel: string;
  responseTimeoutMs: number;
  /** Called when the upstream's headers arrive, before the body streams (the request log closes on 'close'). */
  onHeaders?: (upstreamMs: number) => void;
}

export interface ForwardResult {
  status: number;
  /** Time until the upstream's response headers arrived. */
  upstreamMs: number;
}

function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');
}

/** Sends the request upstream and streams the answer back; bodies are never buffered. */
export async function forwardRequest(req: IncomingMessage, res: ServerResponse, forward: ForwardRequest): Promise<ForwardResult> {
  const started = performance.now();
  let response: Dispatcher.ResponseData;
  try {
    response = await forward.dispatcher.request({
      path: forward.path,
      method: req.method as Dispatcher.HttpMethod,
      headers: forward.headers,
      body: hasBody(req) ? req : null,
      headersTimeout: forward.responseTimeoutMs,
      bodyTimeout: forward.responseTimeoutMs,
    });
  } catch (error) {
    throw toUpstreamError(error, forward.upstreamLabel);
  }
  const upstreamMs = performance.now() - started;
  forward.onHeaders?.(upstreamMs);
  res.writeHead(response.statusCode, downstreamResponseHeaders(response.headers));
  try {
    await pipeline(response.body, res);
  } catch {
    // Headers are out: the only honest signal left for a broken body is a broken connection.
    res.destroy();
  }
  return { status: response.statusCode, upstreamMs };
}
