// Apache APISIX Admin API bodies, as the basic-auth walkthrough writes them: a consumer with the
// basic-auth plugin, and a route (uri, methods, plugins, upstream nodes).
import { HTTP_METHODS } from '../../../gateway/config/schema';
import { signInPasswordProblem } from '../../../gateway/config/basic-credential-rules';
import { ImportError, emptyImport, resourceNameFrom, type ImportResult } from './import-result';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** APISIX sends a consumer's `labels.custom_id` upstream as X-Consumer-Custom-ID, as Gatehouse sends `customId`. */
function customIdOf(doc: Json, source: string): { customId?: string } {
  const customId = isObject(doc.labels) ? doc.labels.custom_id : undefined;
  if (customId === undefined) return {};
  if (typeof customId !== 'string') throw new ImportError(source, 'labels.custom_id', 'expected text');
  return { customId };
}

export function importApisixConsumer(doc: Json, source: string): ImportResult {
  const username = doc.username;
  if (typeof username !== 'string' || username === '') throw new ImportError(source, 'username', 'expected the consumer name');
  const plugin = isObject(doc.plugins) && isObject(doc.plugins['basic-auth']) ? doc.plugins['basic-auth'] : undefined;
  const result = emptyImport();
  result.notes.push(...notesOnLeftOut(doc, CONSUMER_FIELDS, `consumer "${username}"`));
  const customId = customIdOf(doc, source);
  if (!plugin) {
    result.consumers.push({ username, ...customId });
    return result;
  }
  if (typeof plugin.password !== 'string' || plugin.password === '') throw new ImportError(source, 'plugins.basic-auth.password', 'expected the password');
  // As the consumer form does: a password no client could sign in with is refused here, not imported to be
  // reported as not served.
  const passwordProblem = signInPasswordProblem(plugin.password);
  if (passwordProblem) throw new ImportError(source, 'plugins.basic-auth.password', `${passwordProblem}; no client can send it, so nothing was imported`);
  const secret = resourceNameFrom(`consumer-${username}`);
  result.secrets.push({ name: secret, data: { password: plugin.password } });
  result.notes.push(`plugins.basic-auth.password: consumer "${username}"'s password went to the vault as secret "${secret}"`);
  const login = typeof plugin.username === 'string' ? plugin.username : username;
  result.consumers.push({ username, ...customId, basicAuth: { ...(login !== username ? { username: login } : {}), password: { secret, key: 'password' } } });
  return result;
}

/** The first node's URL; a service has one upstream, so further nodes are left out, and said so in `notes`. */
function upstreamUrl(upstream: unknown, source: string, notes: string[]): string {
  const nodes = isObject(upstream) ? upstream.nodes : undefined;
  const all = isObject(nodes) ? Object.keys(nodes) : Array.isArray(nodes) ? nodes.filter(isObject).map((n) => `${String(n.host)}:${String(n.port)}`) : [];
  const first = all[0];
  if (!first) throw new ImportError(source, 'upstream.nodes', 'expected at least one node ("host:port")');
  if (all.length > 1) notes.push(`upstream.nodes: only the first of ${all.length} nodes (${first}) is imported: a Gatehouse service calls one upstream, with no load balancing`);
  const scheme = isObject(upstream) && upstream.scheme === 'https' ? 'https' : 'http';
  return `${scheme}://${first}`;
}

/** What of a route or consumer body is understood; every other field and plugin is named in a note, not dropped unsaid. */
const ROUTE_FIELDS = new Set(['uri', 'uris', 'name', 'id', 'desc', 'methods', 'host', 'hosts', 'plugins', 'upstream', 'labels', 'status', 'create_time', 'update_time']);
const CONSUMER_FIELDS = new Set(['username', 'desc', 'plugins', 'labels', 'create_time', 'update_time']);

function notesOnLeftOut(doc: Json, understood: ReadonlySet<string>, what: string): string[] {
  const notes = Object.keys(doc).filter((field) => !understood.has(field)).map((field) => `${field}: not imported (${what} has no such setting in Gatehouse)`);
  if (isObject(doc.plugins)) {
    for (const plugin of Object.keys(doc.plugins)) if (plugin !== 'basic-auth') notes.push(`plugins.${plugin}: not imported (Gatehouse has no ${plugin} plugin)`);
  }
  return notes;
}

/** The route's paths: `uri`, or each of `uris` (APISIX takes either), with the field path of each for errors. */
function routeUris(doc: Json, source: string): [string, string][] {
  const listed: [string, unknown][] = Array.isArray(doc.uris) ? doc.uris.map((u, i) => [`uris[${i}]`, u]) : [['uri', doc.uri]];
  if (listed.length === 0) throw new ImportError(source, 'uris', 'expected at least one path such as /json or /api/*');
  for (const [field, uri] of listed) {
    if (typeof uri !== 'string' || !uri.startsWith('/')) throw new ImportError(source, field, 'expected a path such as /json or /api/*');
  }
  return listed as [string, string][];
}

export function importApisixRoute(doc: Json, source: string, options: { name?: string } = {}): ImportResult {
  const uris = routeUris(doc, source);
  const uri = uris[0]![1];
  const name = resourceNameFrom(options.name ?? String(doc.name ?? doc.id ?? uri));
  const methods = Array.isArray(doc.methods) ? doc.methods.map(String) : undefined;
  methods?.forEach((m, i) => {
    if (!(HTTP_METHODS as readonly string[]).includes(m)) throw new ImportError(source, `methods[${i}]`, `expected one of ${HTTP_METHODS.join(', ')}`);
  });
  const basicAuth = isObject(doc.plugins) && isObject(doc.plugins['basic-auth']);
  const hide = basicAuth && (doc.plugins as Json)['basic-auth'] && ((doc.plugins as Json)['basic-auth'] as Json).hide_credentials === true;
  const result = emptyImport();
  // A route for some hosts only stays so: without them it would answer for every host.
  const hosts = Array.isArray(doc.hosts) ? doc.hosts.map(String) : typeof doc.host === 'string' ? [doc.host] : undefined;
  result.notes.push(...notesOnLeftOut(doc, ROUTE_FIELDS, `route "${name}"`));
  if (doc.status === 0) result.notes.push('status: 0 (disabled in APISIX): imported as a route Gatehouse serves');
  result.services.push({ name, upstream: { url: upstreamUrl(doc.upstream, source, result.notes) } });
  // One Gatehouse route a path: the first keeps the route's name, the others are numbered after it.
  uris.forEach(([field, path], i) => {
    const wildcard = path.endsWith('*');
    const prefix = wildcard ? path.replace(/\/?\*$/, '') || '/' : path;
    // APISIX's "/x*" matches "/xyz" too; a Gatehouse prefix matches on a segment boundary ("/x", "/x/…").
    if (wildcard && !path.endsWith('/*') && prefix !== '/') result.notes.push(`${field}: "${path}" matches ${prefix}… in APISIX (${prefix}abc too); imported as the prefix ${prefix}, which matches ${prefix} and ${prefix}/… only`);
    result.routes.push({
      name: i === 0 ? name : `${name}-${i + 1}`,
      service: name,
      path: prefix,
      match: wildcard ? 'prefix' : 'exact',
      ...(methods ? { methods: methods as never } : {}),
      ...(hosts ? { hosts } : {}),
      ...(basicAuth ? { plugins: { 'basic-auth': { hideCredentials: Boolean(hide) } } } : {}),
    });
  });
  return result;
}
