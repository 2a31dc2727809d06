// The request path a route answers to: its service's prefix joined with the route's path. The gateway's
// router matches on it and the renderer shows it, so both come from here. And the part of a request path a
// service strips before forwarding, which the redirect mapping puts back.

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
