import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/** Headers that carry credentials or session state: shown by name, never by value. */
const CREDENTIAL_HEADERS = new Set([
  'authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-csrf-token', 'x-api-key', 'api-key',
  'x-auth-token', 'x-amz-security-token',
]);

export const MASK = '••••••••';

export type HeaderList = [string, string][];

/** Name/value pairs with every credential-bearing value masked (for the app's traffic view, not for logs). */
export function maskedHeaders(headers: IncomingHttpHeaders | OutgoingHttpHeaders): HeaderList {
  const list: HeaderList = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    for (const one of Array.isArray(value) ? value : [value]) list.push([lower, CREDENTIAL_HEADERS.has(lower) || /token|secret|password/.test(lower) ? MASK : String(one)]);
  }
  return list;
}
