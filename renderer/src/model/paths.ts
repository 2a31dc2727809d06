// The request path a route answers to: the same rule as the gateway's router (gateway/routing/router.ts
// `joinPaths`), restated because the renderer may import only gateway/config.
export function joinPaths(prefix: string, path: string): string {
  if (prefix === '/' || prefix === '') return path;
  const base = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  return path === '/' ? base : base + path;
}
