// The one rule set for what the app may show of a credential: the traffic view's headers, the inspector's both
// hops, HAR and curl exports all mask through here. A credential is shown by kind and identity (the scheme, a
// Basic username, a cookie's name), never by value; the stdout log holds no header at all.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { isCredentialHeader, isCredentialQueryName } from '../config/credential-names';

export { isCredentialHeader, isCredentialQueryName };

/** SAP's CSRF protocol words are not secrets: `X-CSRF-Token: Fetch` asks for a token, `Required` refuses one. */
const CSRF_PROTOCOL_WORDS = new Set(['fetch', 'required']);

export const MASK = '••••••••';
/** The mask as it stands in a URL's query. */
export const MASK_IN_URL = encodeURIComponent(MASK);

export type HeaderList = [string, string][];

/** The user name of a Basic credential, if the value is one and decodes. */
export function basicUsername(value: string): string | undefined {
  const match = /^basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(value);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : decoded.slice(0, colon);
}

/** `Basic admin:••••••••`, `Bearer ••••••••`: the scheme and, for Basic, the user name. */
export function describeAuthorization(value: string): string {
  const scheme = /^([A-Za-z][A-Za-z0-9._~+/-]*)(?:\s|$)/.exec(value)?.[1];
  if (!scheme) return MASK;
  const username = basicUsername(value);
  if (username !== undefined) return `${scheme} ${username}:${MASK}`;
  return `${scheme} ${MASK}`;
}

/** `name=••••••••; other=••••••••`: which cookies were sent, not their values. */
function describeCookie(value: string): string {
  return value
    .split(';')
    .map((pair) => pair.trim())
    .filter((pair) => pair !== '')
    .map((pair) => `${pair.split('=')[0]!.trim()}=${MASK}`)
    .join('; ');
}

/** `name=••••••••; Path=/; HttpOnly`: the cookie's attributes are not secret, its value is. */
function describeSetCookie(value: string): string {
  const [pair = '', ...attributes] = value.split(';');
  return [`${pair.split('=')[0]!.trim()}=${MASK}`, ...attributes.map((a) => a.trim())].join('; ');
}

/** What the app shows for one header value: the value itself unless the header carries a credential. */
export function maskHeaderValue(name: string, value: string): string {
  const lower = name.toLowerCase();
  if (!isCredentialHeader(lower)) return value;
  if (lower === 'authorization' || lower === 'proxy-authorization') return describeAuthorization(value);
  if (lower === 'cookie') return describeCookie(value);
  if (lower === 'set-cookie') return describeSetCookie(value);
  if (lower === 'x-csrf-token' && CSRF_PROTOCOL_WORDS.has(value.trim().toLowerCase())) return value;
  return MASK;
}

/** Name/value pairs with every credential-bearing value masked (for the app's traffic view, not for logs). */
export function maskedHeaders(headers: IncomingHttpHeaders | OutgoingHttpHeaders): HeaderList {
  const list: HeaderList = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    for (const one of Array.isArray(value) ? value : [value]) list.push([lower, maskHeaderValue(lower, String(one))]);
  }
  return list;
}

/**
 * A request target (`/path?query`) with credential query values masked; `alsoMask` names parameters that must
 * be masked whatever they are called (the ones an endpoint's secret adds).
 */
export function maskedTarget(target: string, alsoMask: ReadonlySet<string> = new Set()): string {
  const q = target.indexOf('?');
  if (q < 0) return target;
  const pairs = target.slice(q + 1).split('&').map((pair) => {
    const eq = pair.indexOf('=');
    if (eq < 0) return pair;
    const rawName = pair.slice(0, eq);
    let name = rawName;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' '));
    } catch {}
    return isCredentialQueryName(name) || alsoMask.has(name) ? `${rawName}=${MASK_IN_URL}` : pair;
  });
  return `${target.slice(0, q)}?${pairs.join('&')}`;
}
