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
