// The app's traffic view shows each exchange's headers, credentials masked. The stdout log never does.
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { RequestLogEntry } from './request-log';
import { maskedHeaders } from './masked-headers';

/** Headers passed to writeHead (which getHeaders() does not see), kept per response. */
const responseHeadersOf = new WeakMap<ServerResponse, OutgoingHttpHeaders>();

/**
 * Only when the app asks for headers: the hot path writes them with writeHead, and wrapping it is the one place to
 * see them.
 */
export function captureWrittenHeaders(res: ServerResponse): void {
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = ((...args: unknown[]) => {
    const headers = args.find((a, i) => i > 0 && typeof a === 'object' && a !== null && !Array.isArray(a));
    if (headers) responseHeadersOf.set(res, headers as OutgoingHttpHeaders);
    return writeHead(...args);
  }) as ServerResponse['writeHead'];
}

/** Adds the request's and the response's headers, masked, to the log entry (after the response closed). */
export function addCapturedHeaders(entry: RequestLogEntry, req: IncomingMessage, res: ServerResponse): void {
  entry.requestHeaders = maskedHeaders(req.headers);
  entry.responseHeaders = maskedHeaders({ ...res.getHeaders(), ...responseHeadersOf.get(res) });
}
