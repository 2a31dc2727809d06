// The parts of undici the gateway uses — a Pool per upstream origin, the request API over a given dispatcher,
// the error classes — loaded from undici's own modules instead of its index. The index also loads fetch,
// WebSocket, the HTTP cache, the mocks and the proxy agents: about 600 KB of code, 6 MB of resident memory and
// time at every start, for nothing the gateway runs (issue 16, measured with `npm run bench`).
// These paths are undici's files rather than its documented entry, so package.json pins undici's minor version
// and test/gateway/proxy/undici-core.test.ts checks they are the very objects the index exports.
import PoolClass from 'undici/lib/dispatcher/pool.js';
import undiciErrors from 'undici/lib/core/errors.js';
import buildUndiciConnector from 'undici/lib/core/connect.js';
import dispatchRequest from 'undici/lib/api/api-request.js';
import { getGlobalDispatcher } from 'undici/lib/global.js';
import { headerNameToString } from 'undici/lib/core/util.js';
import undiciSymbols from 'undici/lib/core/symbols.js';
import type { Dispatcher } from 'undici';
// Before any connection: undici's parser then reads a 100 Continue nobody asked for as the 1xx it is, and refuses
// every 101 nobody asked for alike.
import './unasked-informational-answers';

export const Pool = PoolClass;
export type Pool = PoolClass;
export const errors = undiciErrors;
/** undici's connector (how a Pool opens its connections), for a pool that watches its connections' TLS failures. */
export const buildConnector = buildUndiciConnector;
/** A raw header name (as undici's parser hands it over) in lower case; well-known names come interned. */
export const lowerCaseHeaderName: (raw: Buffer) => string = headerNameToString;
/** The key under which undici's HTTP/1.1 client keeps a connection's parser on its socket (lib/dispatcher/client-h1.js). */
export const parserKey: symbol = undiciSymbols.kParser;
/** The key under which a Pool counts the requests waiting in it for a free connection (lib/dispatcher/pool-base.js). */
export const queuedKey: symbol = undiciSymbols.kQueued;

export type RequestOptions = Omit<Dispatcher.RequestOptions, 'origin' | 'path' | 'method'> & { method?: Dispatcher.HttpMethod };

/**
 * undici's `request(url, { dispatcher })` for a URL string: what the index's `request` does (origin and path
 * from the URL, GET or PUT by default, undici's global dispatcher when none is given).
 */
export function requestThrough(dispatcher: Dispatcher | undefined, url: string, options: RequestOptions): Promise<Dispatcher.ResponseData> {
  const target = new URL(url);
  return dispatchRequest.call(dispatcher ?? getGlobalDispatcher(), {
    ...options,
    origin: target.origin,
    path: target.search ? `${target.pathname}${target.search}` : target.pathname,
    method: options.method || (options.body ? 'PUT' : 'GET'),
  });
}
