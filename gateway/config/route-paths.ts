// The request path a route answers to: its service's prefix joined with the route's path. The gateway's
// router matches on it and the renderer shows it, so both come from here. And the part of a request path a
// service strips before forwarding, which the redirect mapping puts back. And the one form paths are compared in,
// which configured paths are given when read and request paths when admitted.

/** A prefix as paths are joined to it: without its trailing slash. */
function withoutTrailingSlash(prefix: string): string {
  return prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
}

/** `/api` + `/orders` → `/api/orders`; a `/` prefix adds nothing and a `/` route path is the prefix itself. */
export function joinPaths(prefix: string, path: string): string {
  if (prefix === '/' || prefix === '') return path;
  const base = withoutTrailingSlash(prefix);
  return path === '/' ? base : base + path;
}

/**
 * What the gateway removes from the front of a request path before forwarding it, '' for nothing: the service's
 * prefix without its trailing slash, when the service strips it (a `/` prefix strips nothing).
 */
export function strippedPathPrefix(service: { pathPrefix: string; stripPrefix: boolean }): string {
  return service.stripPrefix && service.pathPrefix !== '/' ? withoutTrailingSlash(service.pathPrefix) : '';
}

/** One percent-encoded byte, its two hex digits captured (global: for `replace`). */
export const ESCAPE = /%([0-9A-Fa-f]{2})/g;
const UNRESERVED = /[A-Za-z0-9\-._~]/;

/**
 * RFC 3986 §6.2.2.2: an escaped unreserved character is that character (`%61` is `a`). Routes are matched on this
 * form, and the upstream gets it: a backend decodes `/%61dmin` to `/admin`, so the gateway must have matched
 * `/admin` too (routing on the escaped text let such a request past a protected route through a public one).
 * Other escapes are left as sent.
 */
export function normalizeEscapes(path: string): string {
  return path.replace(ESCAPE, (escape, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : escape;
  });
}

/**
 * A path with its escapes' hex digits in upper case, the form paths are compared in: RFC 3986 §6.2.2.1, `%c3` is
 * `%C3`, and a backend decodes `/caf%c3%a9` to `/café` as it does `/caf%C3%A9` (matching the text as sent let the
 * first past a protected `/café` through a public `/`). The upstream still gets the escapes as the client wrote
 * them: a backend checking a signature over the path reads those bytes.
 */
export function escapesInUpperCase(path: string): string {
  return path.includes('%') ? path.replace(ESCAPE, (escape) => escape.toUpperCase()) : path;
}

/**
 * Empty segments merged: `//admin/x` and `/admin//x` are `/admin/x`. nginx (merge_slashes, on by default), Tomcat
 * and Spring read them so, and routing on the path as sent let `//admin/x` past a protected `/admin` through a
 * public `/`. Requests are routed and forwarded in this form, so the backend gets the path the route was chosen
 * for, whether it merges or not; configured paths are read in it, so a route written with `//` still matches.
 */
export function withoutEmptySegments(path: string): string {
  return path.includes('//') ? path.replace(/\/{2,}/g, '/') : path;
}

/**
 * Anything that can make a path differ from its resolved form (below): a character outside RFC 3986's pchar and "/"
 * ("%", "\", and what URL parsing percent-encodes: `"`, `<`, `>`, `` ` ``, `{`, `}`, a space, text outside ASCII),
 * a dot segment's "/." or an empty segment's "//". The common path has none, and costs this one test.
 */
const UNRESOLVED = /[^A-Za-z0-9\-._~!$&'()*+,;=:@/]|\/[./]/;
const BASE = 'http://gateway.invalid';

/**
 * A path ("/…") as WHATWG URL parsing writes it, with empty segments merged: dot segments resolved, backslashes as
 * slashes, and the characters a URI cannot hold as they are percent-encoded (`/admin{x}` is `/admin%7Bx%7D`, as a
 * backend decodes either; `/café` is `/caf%C3%A9`). Escapes are left as they are. Request paths and configured
 * paths both take this form, by this one function: had a request skipped it where a configured path did not,
 * `/admin{x}/a` would have missed a protected `/admin{x}` (read as `/admin%7Bx%7D`) and gone through a public `/`.
 */
export function resolvedPath(path: string): string {
  if (!UNRESOLVED.test(path)) return path;
  // Appended to a base with an authority, never resolved against it: `new URL('/\\x', base)` or
  // `new URL('//x/.', base)` would read "x" as a host and drop it from the path (or throw for `/\\`).
  return withoutEmptySegments(new URL(BASE + path).pathname);
}

/**
 * A configured path (a prefix or a route's path) in the form request paths are compared in: resolved as above,
 * escapes normalised as above. Written otherwise, a path could never match a request, or match only one of two
 * spellings a backend reads alike.
 */
export function normalRoutePath(path: string): string {
  return escapesInUpperCase(normalizeEscapes(resolvedPath(path)));
}
