// A kubeconfig's API server address as Gatehouse shows it: in the CLI's lines, in errors, on the Cluster screen.

/** `scheme://`, then the authority, which ends at the first `/`, `?` or `#`. */
const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * Where the password of the address's user-info (`https://ci:PASSWORD@api.example.com`) is written: between the
 * user-info's first `:` and the authority's last `@`, as Go's url.Parse reads it.
 */
function passwordSpan(server: string): { start: number; end: number } | undefined {
  const scheme = SCHEME.exec(server);
  if (!scheme) return undefined;
  const from = scheme[0].length;
  const authorityEnd = server.slice(from).search(/[/?#]/);
  const authority = server.slice(from, authorityEnd < 0 ? undefined : from + authorityEnd);
  const at = authority.lastIndexOf('@');
  const colon = authority.indexOf(':');
  if (at < 0 || colon < 0 || colon > at) return undefined;
  return { start: from + colon + 1, end: from + at };
}

/**
 * The address with its password shown as `***`, as kubectl's own messages show it (Go's url.Redacted): kubectl
 * sends such a user-info as Basic credentials. The user name stays. Requests still go to the address as written.
 */
export function shownServer(server: string): string {
  const span = passwordSpan(server);
  return span ? `${server.slice(0, span.start)}***${server.slice(span.end)}` : server;
}

/** The password the address carries, as written and percent-decoded, for error messages to hide. */
export function serverPasswords(server: string): string[] {
  const span = passwordSpan(server);
  if (!span || span.end === span.start) return [];
  const written = server.slice(span.start, span.end);
  try {
    return [...new Set([written, decodeURIComponent(written)])];
  } catch {
    return [written];
  }
}
