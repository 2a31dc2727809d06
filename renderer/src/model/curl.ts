// "Copy as curl" for the Try it screen. The password is left out unless the user asks for it: `-u user`
// makes curl prompt for it, so it lands in neither the clipboard nor the shell history.
import type { TryItRequest } from '../../../main/ipc/contract';

/** POSIX shell single-quoting: safe for any byte sequence but NUL. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export interface CurlOptions {
  gatewayUrl: string;
  includePassword: boolean;
}

export function curlCommand(request: TryItRequest, options: CurlOptions): string {
  const parts = ['curl', '-i'];
  if (request.method === 'HEAD') parts.push('--head');
  else if (request.method !== 'GET') parts.push('-X', request.method);
  for (const h of request.headers) parts.push('-H', shellQuote(`${h.name}: ${h.value}`));
  if (request.basicAuth) {
    const user = options.includePassword ? `${request.basicAuth.username}:${request.basicAuth.password}` : request.basicAuth.username;
    parts.push('-u', shellQuote(user));
  }
  if (request.body && request.method !== 'GET' && request.method !== 'HEAD') parts.push('--data-raw', shellQuote(request.body));
  parts.push(shellQuote(`${options.gatewayUrl.replace(/\/$/, '')}${request.path}`));
  return parts.join(' ');
}

const MASKED = '••••••••';
const MASKED_IN_URL = encodeURIComponent(MASKED);
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
  const setFirst = used.length > 0 ? `# Credentials are not copied: set ${used.map((v) => `$${v}`).join(', ')} first.\n` : '';
  return `${setFirst}${note}${parts.join(' ')}`;
}
