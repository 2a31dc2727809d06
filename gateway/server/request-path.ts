/** Splits a request target into a normalised path (dot segments resolved) and the raw query. */
export function splitRequestTarget(target: string): { path: string; query: string } {
  const q = target.indexOf('?');
  let path = q < 0 ? target : target.slice(0, q);
  const query = q < 0 ? '' : target.slice(q);
  if (!path.startsWith('/') || path.includes('/.') || path.includes('%') || path.includes('\\')) {
    // Absolute-form targets, dot segments and encoded dots must match routes the way the upstream will see them.
    path = new URL(path.startsWith('/') ? path : target, 'http://gateway.invalid').pathname;
  }
  return { path, query };
}
