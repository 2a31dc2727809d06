// "Copy as curl" for the Try it screen and the traffic inspector. Credentials are left out unless the user asks
// for them: `-u user` makes curl prompt for the password, and every other credential value (a header's, a query
// parameter's) is a shell variable to set first, so none lands in the clipboard or the shell history.
import type { TryItRequest } from '../../../main/ipc/contract';
import { isCredentialHeader, isCredentialQueryName } from '../../../gateway/config/credential-names';

/** POSIX shell single-quoting: safe for any byte sequence but NUL. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export interface CurlOptions {
  gatewayUrl: string;
  /** The password and the values of credential headers and query parameters as typed. */
  includeCredentials: boolean;
}

const MASKED = '••••••••';
const MASKED_IN_URL = encodeURIComponent(MASKED);

/** A credential header's value masked; `Authorization: Bearer x` keeps its scheme, as the inspector shows it. */
function maskedHeader(name: string, value: string): string {
  const scheme = /^(proxy-)?authorization$/i.test(name) ? /^([A-Za-z][\w.+-]*) +\S/.exec(value)?.[1] : undefined;
  return `${name}: ${scheme ? `${scheme} ` : ''}${MASKED}`;
}

/** The URL with the values of credential query parameters (`access_token`, `api_key`, …) masked. */
function credentialQueryMasked(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const pairs = url.slice(q + 1).split('&').map((pair) => {
    const eq = pair.indexOf('=');
    return eq > 0 && isCredentialQueryName(queryName(pair.slice(0, eq))) ? `${pair.slice(0, eq + 1)}${MASKED_IN_URL}` : pair;
  });
  return `${url.slice(0, q + 1)}${pairs.join('&')}`;
}

const setFirst = (used: readonly string[]) => (used.length > 0 ? `# Credentials are not copied: set ${used.map((v) => `$${v}`).join(', ')} first.\n` : '');

export function curlCommand(request: TryItRequest, options: CurlOptions): string {
  const used: string[] = [];
  const parts = ['curl', '-i'];
  if (request.method === 'HEAD') parts.push('--head');
  else if (request.method !== 'GET') parts.push('-X', request.method);
  for (const h of request.headers) {
    const hidden = !options.includeCredentials && isCredentialHeader(h.name);
    parts.push('-H', hidden ? withPlaceholders(maskedHeader(h.name, h.value), MASKED, variableName(h.name), used) : shellQuote(`${h.name}: ${h.value}`));
  }
  if (request.basicAuth) {
    const user = options.includeCredentials ? `${request.basicAuth.username}:${request.basicAuth.password}` : request.basicAuth.username;
    parts.push('-u', shellQuote(user));
  }
  if (request.body && request.method !== 'GET' && request.method !== 'HEAD') parts.push('--data-raw', shellQuote(request.body));
  const url = `${options.gatewayUrl.replace(/\/$/, '')}${request.path}`;
  parts.push(options.includeCredentials ? shellQuote(url) : urlWithPlaceholders(credentialQueryMasked(url), used));
  return `${setFirst(used)}${parts.join(' ')}`;
}
/** Set by curl itself from the URL and the body, or meaningless on a new connection. */
const SKIPPED_HEADERS = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'keep-alive']);

function variableName(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_|_$/g, '') || 'VALUE';
}

/** Single-quoted text with each masked part replaced by a shell variable (`'a: Bearer '"$AUTHORIZATION"`). */
function withPlaceholders(text: string, mask: string, name: string, used: string[]): string {
  const parts = text.split(mask);
  if (parts.length === 1) return shellQuote(text);
  let out = shellQuote(parts[0]!);
  parts.slice(1).forEach((part, i) => {
    const variable = parts.length > 2 ? `${name}_${i + 1}` : name;
    used.push(variable);
    out += `"$${variable}"${part === '' ? '' : shellQuote(part)}`;
  });
  return out;
}

/** A query parameter's name as it reads (`api%5Fkey` is `api_key`). */
function queryName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

/**
 * The single-quoted URL with each masked query value a shell variable named for its own parameter
 * (`?token=…&api_key=…` → `$QUERY_TOKEN`, `$QUERY_API_KEY`); a name already taken gets `_2`, `_3`.
 */
function urlWithPlaceholders(url: string, used: string[]): string {
  const q = url.indexOf('?');
  if (q < 0 || !url.includes(MASKED_IN_URL)) return shellQuote(url);
  let out = '';
  let text = url.slice(0, q + 1);
  url.slice(q + 1).split('&').forEach((pair, i) => {
    const pieces = `${i > 0 ? '&' : ''}${pair}`.split(MASKED_IN_URL);
    text += pieces[0]!;
    if (pieces.length === 1) return;
    const base = variableName(`query ${queryName(pair.slice(0, Math.max(0, pair.indexOf('='))) || 'value')}`);
    for (const piece of pieces.slice(1)) {
      let variable = base;
      for (let n = 2; used.includes(variable); n++) variable = `${base}_${n}`;
      used.push(variable);
      out += `${text === '' ? '' : shellQuote(text)}"$${variable}"`;
      text = piece;
    }
  });
  return text === '' ? out : out + shellQuote(text);
}

export interface ExchangeForCurl {
  method: string;
  url: string;
  headers: { name: string; value: string; masked?: true }[];
  body?: { text?: string; size: number };
}

/**
 * A curl command for one hop of a captured exchange. Credentials were masked before they reached the app: Basic
 * becomes `-u user` (curl asks for the password), every other masked value a shell variable to set first.
 */
export function exchangeCurl(request: ExchangeForCurl): string {
  const used: string[] = [];
  const parts = ['curl', '-i'];
  if (request.method === 'HEAD') parts.push('--head');
  else if (request.method !== 'GET') parts.push('-X', request.method);
  for (const h of request.headers) {
    if (SKIPPED_HEADERS.has(h.name)) continue;
    const basicUser = h.masked && h.name === 'authorization' ? /^Basic (.*):••••••••$/.exec(h.value)?.[1] : undefined;
    if (basicUser !== undefined) {
      parts.push('-u', shellQuote(basicUser));
      continue;
    }
    parts.push('-H', h.masked ? withPlaceholders(`${h.name}: ${h.value}`, MASKED, variableName(h.name), used) : shellQuote(`${h.name}: ${h.value}`));
  }
  let note = '';
  if (request.body && request.body.size > 0) {
    if (request.body.text !== undefined) parts.push('--data-raw', shellQuote(request.body.text));
    else {
      parts.push('--data-binary', '@body.bin');
      note = `# The request body (${request.body.size} bytes) is not in this command: save it as body.bin first.\n`;
    }
  }
  parts.push(urlWithPlaceholders(request.url, used));
  return `${setFirst(used)}${note}${parts.join(' ')}`;
}
