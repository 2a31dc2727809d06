// A backend that redirects (3xx) or announces a created resource (201) names itself in `Location`: its own host
// and path, which the gateway's client should not call directly (it would bypass the gateway and the credentials
// the gateway adds). Such a Location is mapped back to the gateway's path for it, as Kyma's Application Gateway
// does (internal/proxy/reverseproxy.go, responseModifier and urlRewriter) and nginx's `proxy_redirect default`.
// As in Kyma, the Location is first resolved against the URL the request went to (RFC 9110 §10.2.2: a relative
// reference is relative to the target URI), so `Location: /api/v1/next` from a backend at /api/v1 is the backend's
// own /api/v1/next; then an http(s) URL on the backend's host name and under its path is rewritten, to an
// absolute path on the gateway (whatever host the client used stays valid); anything else (another host, a path
// outside the backend's, another scheme) is left as the backend sent it. A relative Location had been left as it
// was until 2 Dec: the client resolved it against the gateway, where /api/v1/next is no path of the service (Kyma's
// e2e "redirects" cases got 404 instead of 200). Unlike Kyma, the backend's path must match on a
// segment boundary: with a backend at /api/v1, /api/v10/x is not under it; and a backend URL that names a port
// matches only a Location on that port. Kyma ignores ports (its backends are public hosts on default ports, which
// may redirect http to https), but on a developer's machine every service is the same host on its own port: a
// backend at http://127.0.0.1:8081 redirecting to its Keycloak at http://127.0.0.1:8180/realms/... was sent to
// /realms/... on the gateway until 1 Dec.

import { urlBasePath } from '../config/http-url';
import { strippedPathPrefix } from '../config/route-paths';

/** Where a service's backend sits and where the gateway serves it. Built once per endpoint. */
export interface RedirectMapping {
  /** Scheme, host and port of the backend's URL: a relative Location is resolved against it and the request's path. */
  upstreamOrigin: string;
  /** Host name of the backend's URL, lower case, without port (IPv6 in brackets, as URL gives it). */
  upstreamHostname: string;
  /** Port the backend's URL names ('' when it names none: then any port on the host matches, as in Kyma). */
  upstreamPort: string;
  /** Path of the backend's URL without its trailing slash ('' for the root). */
  upstreamBasePath: string;
  /** What the gateway puts before the backend path's remainder: the service's prefix when it strips it, else ''. */
  gatewayPrefix: string;
}

export function redirectMapping(upstreamUrl: URL, service: { pathPrefix: string; stripPrefix: boolean }): RedirectMapping {
  return {
    upstreamOrigin: upstreamUrl.origin,
    upstreamHostname: upstreamUrl.hostname,
    upstreamPort: upstreamUrl.port,
    upstreamBasePath: urlBasePath(upstreamUrl),
    // The forwarded path lost exactly this prefix (server/upstream-request.ts), so a Location gets it back.
    gatewayPrefix: strippedPathPrefix(service),
  };
}

/** Statuses whose Location names a place the client goes next: redirects, and 201 Created (Kyma's set). */
export function hasFollowedLocation(status: number): boolean {
  return status === 201 || (status >= 300 && status < 400);
}

/**
 * The gateway's path for a Location pointing into the backend, or undefined to leave it as it is. `requestTarget`
 * is the path and query the request was sent upstream with: a relative Location is resolved against it.
 */
export function gatewayLocation(location: string, mapping: RedirectMapping, requestTarget = '/'): string | undefined {
  // An empty Location would resolve to the request's own URL; Kyma leaves it alone too.
  if (location === '') return undefined;
  let url: URL;
  try {
    url = new URL(location, mapping.upstreamOrigin + requestTarget);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.hostname !== mapping.upstreamHostname) return undefined;
  if (mapping.upstreamPort !== '' && url.port !== mapping.upstreamPort) return undefined;
  const base = mapping.upstreamBasePath;
  const path = url.pathname;
  if (base !== '' && path !== base && !path.startsWith(`${base}/`)) return undefined;
  const rest = path.slice(base.length);
  const gatewayPath = mapping.gatewayPrefix + rest;
  return sameOriginPath(gatewayPath === '' ? '/' : gatewayPath) + url.search + url.hash;
}

/**
 * A path that stays a path when a client resolves it. One that starts with `//` is a network-path reference
 * (RFC 3986 §4.2): `//evil.example/x` sends the client to evil.example. A backend that adds a trailing slash to
 * whatever path it was asked for (`GET //evil.example/x` → `Location: http://backend//evil.example/x/`) would
 * make the gateway an open redirect. `/.` in front keeps the reference path-absolute, and removing dot segments
 * (§5.2.4) gives back the same path on the gateway's own origin.
 */
function sameOriginPath(path: string): string {
  return path.startsWith('//') ? `/.${path}` : path;
}

/**
 * Rewrites, in a flat `[name, value, …]` list of lower-case names, each Location that points into the backend;
 * `requestTarget` is the path and query the answered request was sent upstream with.
 */
export function rewriteLocationFields(flat: string[], mapping: RedirectMapping, requestTarget: string): void {
  for (let i = 0; i < flat.length; i += 2) {
    if (flat[i] !== 'location') continue;
    const mapped = gatewayLocation(flat[i + 1]!, mapping, requestTarget);
    if (mapped !== undefined) flat[i + 1] = mapped;
  }
}
