// The request path a route answers to: its service's prefix joined with the route's path. The gateway's
// router matches on it and the renderer shows it, so both come from here.

/** `/api` + `/orders` → `/api/orders`; a `/` prefix adds nothing and a `/` route path is the prefix itself. */
export function joinPaths(prefix: string, path: string): string {
  if (prefix === '/' || prefix === '') return path;
  const base = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  return path === '/' ? base : base + path;
}
