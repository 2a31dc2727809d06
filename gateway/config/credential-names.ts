// Which header and query-parameter names carry credentials: the one list behind every mask the app applies
// (gateway/log/masked-headers.ts) and behind what Try it's history leaves out. Plain code: runs in every process.

const CREDENTIAL_HEADERS = new Set([
  'authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-csrf-token', 'x-api-key', 'api-key', 'apikey',
  'x-auth-token', 'x-amz-security-token',
]);
const CREDENTIAL_HEADER_NAME = /token|secret|password|passwd|api[-_]?key|signature/i;
/** Query parameter names whose values are credentials (OAuth's access_token, signed URLs, API keys). */
const CREDENTIAL_QUERY_NAME = /token|secret|password|passwd|api[-_]?key|apikey|signature|sig$|^key$|^code$|auth/i;

export function isCredentialHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return CREDENTIAL_HEADERS.has(lower) || CREDENTIAL_HEADER_NAME.test(lower);
}

export function isCredentialQueryName(name: string): boolean {
  return CREDENTIAL_QUERY_NAME.test(name);
}
