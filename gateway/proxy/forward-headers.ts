import type { IncomingHttpHeaders } from 'node:http';
import { forwardsLeft } from '../http/max-forwards';
import { HTTP_TOKEN } from '../config/http-token';
import { CLIENT_CERTIFICATE_HEADERS, HOP_BY_HOP, PATH_OVERRIDE_HEADERS, isHopByHop, isIdentityHeader, isUnderscoreSpellingOfGatewayHeader } from '../config/header-rules';

// Where they were first defined: the proxy's callers and tests import them from here.
export { isHopByHop, isIdentityHeader };

/** A header value as UTF-8 bytes: Node and undici send a string's characters as Latin-1 bytes, one per character. */
export function utf8HeaderValue(text: string): string {
  for (let i = 0; i < text.length; i += 1) {
    if (text.charCodeAt(i) > 0x7e) return Buffer.from(text, 'utf8').toString('latin1');
  }
  return text;
}

export type OutgoingHeaders = Record<string, string | string[]>;

/** The lower-case options a Connection field lists. */
export function connectionTokens(value: string | string[] | undefined): string[] {
  if (!value) return [];
  if (typeof value === 'string' && !value.includes(',')) {
    const token = value.trim().toLowerCase();
    return token ? [token] : [];
  }
  return (Array.isArray(value) ? value.join(',') : value).split(',').map((t) => t.trim().toLowerCase()).filter(Boolean);
}


/** A Forwarded parameter value (RFC 7239 §4): a token as is, anything else (a port's colon) as a quoted-string. */
function forwardedValue(text: string): string {
  return HTTP_TOKEN.test(text) ? text : `"${text.replace(/["\\]/g, '\\$&')}"`;
}

/** RFC 7239 §6: an IPv6 address is bracketed, and so quoted; IPv4 and `unknown` are tokens. */
function forwardedNode(address: string): string {
  return address.includes(':') ? `"[${address}]"` : forwardedValue(address);
}

/** The gateway's own Forwarded element for this hop: the client, the Host it asked for, plain HTTP. */
function forwardedElement(ctx: ForwardedContext): string {
  const host = ctx.originalHost ? `;host=${forwardedValue(ctx.originalHost)}` : '';
  return `for=${forwardedNode(ctx.clientAddress)}${host};proto=http`;
}

export interface ForwardedContext {
  /**
   * The request's fields as they came (name, value, …): a field Node keeps only the first of is forwarded from here
   * when the request repeated it. Left out by callers that hold only the object (tests of the other rules).
   */
  rawHeaders?: readonly string[];
  method: string;
  clientAddress: string;
  /** The host (and port) the client asked for. */
  originalHost: string | undefined;
  localPort: number;
  /** The HTTP version of the client's request ("1.1", "1.0"). */
  httpVersion: string;
}

/**
 * Fields Node's server keeps only the first of when a request repeats them (lib/_http_incoming.js, matchKnownFields),
 * where it joins every other field: forwarded, they would reach the upstream altered, a second `Authorization`
 * (the upstream's own credential, on a public route or beside a Proxy-Authorization that signed in) silently gone.
 * A proxy forwards a request as sent, as Kong and nginx do: each line as it came, in order. Not here: Host (the
 * upstream's own is sent), Content-Length (llhttp refuses it twice), Max-Forwards (counted down, forward-headers'
 * caller) and Proxy-Authorization (hop-by-hop).
 */
const NODE_KEEPS_FIRST = new Set([
  'authorization', 'content-type', 'user-agent', 'referer', 'from', 'if-modified-since', 'if-unmodified-since',
  'etag', 'last-modified', 'location', 'retry-after', 'server', 'age', 'expires',
]);

/** Puts back every line of a field Node kept the first of, where the forwarded headers have that field. */
function restoreRepeatedFields(headers: OutgoingHeaders, rawHeaders: readonly string[]): void {
  let lines: Map<string, string[]> | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    if (!NODE_KEEPS_FIRST.has(name) || headers[name] === undefined) continue;
    lines ??= new Map();
    const values = lines.get(name);
    if (values === undefined) lines.set(name, [rawHeaders[i + 1]!]);
    else values.push(rawHeaders[i + 1]!);
  }
  for (const [name, values] of lines ?? []) if (values.length > 1) headers[name] = values;
}

/** How the gateway names itself in Via (RFC 9110 §7.6.3 received-by: a pseudonym, no host name or version). */
const VIA_PSEUDONYM = 'gatehouse';

export function upstreamRequestHeaders(incoming: IncomingHttpHeaders, upstreamHost: string, ctx: ForwardedContext): OutgoingHeaders {
  const named = connectionTokens(incoming.connection);
  const headers: OutgoingHeaders = {};
  let distinctNames = 0;
  for (const name in incoming) {
    distinctNames += 1;
    const value = incoming[name];
    if (value === undefined || HOP_BY_HOP.has(name) || isIdentityHeader(name) || (named.length > 0 && named.includes(name))) continue;
    // A `_` in a name is rare: only then is the name read again with `_` as `-` (header-rules.ts says why).
    if (name.includes('_') && isUnderscoreSpellingOfGatewayHeader(name)) continue;
    headers[name] = value;
  }
  // Fewer names than field lines: some field came more than once. Only then are the ones Node kept one of looked for.
  if (ctx.rawHeaders !== undefined && distinctNames * 2 < ctx.rawHeaders.length) restoreRepeatedFields(headers, ctx.rawHeaders);
  // A few lookups a request rather than one more test per header: they are rare.
  for (const name of PATH_OVERRIDE_HEADERS) if (incoming[name] !== undefined) delete headers[name];
  for (const name of CLIENT_CERTIFICATE_HEADERS) if (incoming[name] !== undefined) delete headers[name];
  // The fields the gateway extends, read from what is forwarded: one the client's Connection names is gone (RFC 9110
  // §7.6.1), so the gateway's element starts the field anew.
  const priorFor = headers['x-forwarded-for'];
  headers['x-forwarded-for'] = priorFor ? `${String(priorFor)}, ${ctx.clientAddress}` : ctx.clientAddress;
  // RFC 9110 §7.6.3: "An HTTP-to-HTTP gateway MUST send an appropriate Via header field in each inbound request
  // message"; a client's Via is extended, its entries joined as Node joins a repeated field.
  const via = `${ctx.httpVersion} ${VIA_PSEUDONYM}`;
  const priorVia = headers.via;
  headers.via = priorVia ? `${String(priorVia)}, ${via}` : via;
  headers['x-forwarded-proto'] = 'http';
  // An HTTP/1.0 request may come without Host: then the client's own X-Forwarded-Host must not pass for the gateway's.
  if (ctx.originalHost) headers['x-forwarded-host'] = ctx.originalHost;
  else delete headers['x-forwarded-host'];
  headers['x-forwarded-port'] = String(ctx.localPort);
  headers.host = upstreamHost;
  // A client's X-Real-IP or Forwarded would reach an upstream that trusts them (as one behind Kong or nginx does) as
  // if a proxy had set them. Acted on only when sent, so a request without them costs two lookups.
  if (incoming['x-real-ip'] !== undefined) headers['x-real-ip'] = ctx.clientAddress;
  const priorForwarded = headers.forwarded;
  if (priorForwarded !== undefined) headers.forwarded = `${String(priorForwarded)}, ${forwardedElement(ctx)}`;
  // RFC 9110 §7.6.2: one forward fewer for the next hop (0 was answered at admission; TRACE is never forwarded).
  if (incoming['max-forwards'] !== undefined && ctx.method === 'OPTIONS') {
    const left = forwardsLeft(incoming['max-forwards']);
    if (left !== undefined && left > 0) headers['max-forwards'] = String(left - 1);
  }
  return headers;
}

/**
 * The upstream's response headers as the client gets them, from the raw list undici read (name, value, name, …):
 * a flat list of the same shape for `res.writeHead`, in the upstream's order with repeated fields kept, without the
 * hop-by-hop fields and those the upstream's Connection names. `nameOf` gives a raw name in lower case.
 */
export function downstreamHeaders(raw: readonly Buffer[], nameOf: (raw: Buffer) => string): string[] {
  const out: string[] = [];
  let named: string[] | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = nameOf(raw[i]!);
    const value = raw[i + 1]!.toString('latin1');
    // Usually "keep-alive" or "close", already hop-by-hop: only other names it lists need a second pass.
    if (name === 'connection') for (const token of connectionTokens(value)) if (!HOP_BY_HOP.has(token)) (named ??= []).push(token);
    if (!HOP_BY_HOP.has(name)) out.push(name, value);
  }
  return named === undefined ? out : withoutFields(out, named);
}

/** A flat `[name, value, …]` list without the fields whose lower-case names are listed. */
export function withoutFields(flat: readonly string[], lowerNames: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < flat.length; i += 2) if (!lowerNames.includes(flat[i]!)) kept.push(flat[i]!, flat[i + 1]!);
  return kept;
}
