// Apache APISIX Admin API bodies, as the basic-auth walkthrough writes them: a consumer with the
// basic-auth plugin, and a route (uri, methods, plugins, upstream nodes).
import { HTTP_METHODS } from '../../../gateway/config/schema';
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
  const customId = customIdOf(doc, source);
  if (!plugin) {
    result.consumers.push({ username, ...customId });
    return result;
  }
  if (typeof plugin.password !== 'string') throw new ImportError(source, 'plugins.basic-auth.password', 'expected the password');
  const secret = resourceNameFrom(`consumer-${username}`);
  result.secrets.push({ name: secret, data: { password: plugin.password } });
  result.notes.push(`plugins.basic-auth.password: consumer "${username}"'s password went to the vault as secret "${secret}"`);
  const login = typeof plugin.username === 'string' ? plugin.username : username;
  result.consumers.push({ username, ...customId, basicAuth: { ...(login !== username ? { username: login } : {}), password: { secret, key: 'password' } } });
  return result;
}

function upstreamUrl(upstream: unknown, source: string): string {
  const nodes = isObject(upstream) ? upstream.nodes : undefined;
  const first = isObject(nodes) ? Object.keys(nodes)[0] : Array.isArray(nodes) && isObject(nodes[0]) ? `${String(nodes[0].host)}:${String(nodes[0].port)}` : undefined;
  if (!first) throw new ImportError(source, 'upstream.nodes', 'expected at least one node ("host:port")');
  const scheme = isObject(upstream) && upstream.scheme === 'https' ? 'https' : 'http';
  return `${scheme}://${first}`;
}

export function importApisixRoute(doc: Json, source: string, options: { name?: string } = {}): ImportResult {
  const uri = doc.uri;
  if (typeof uri !== 'string' || !uri.startsWith('/')) throw new ImportError(source, 'uri', 'expected a path such as /json or /api/*');
  const name = resourceNameFrom(options.name ?? String(doc.name ?? doc.id ?? uri));
  const methods = Array.isArray(doc.methods) ? doc.methods.map(String) : undefined;
  methods?.forEach((m, i) => {
    if (!(HTTP_METHODS as readonly string[]).includes(m)) throw new ImportError(source, `methods[${i}]`, `expected one of ${HTTP_METHODS.join(', ')}`);
  });
  const basicAuth = isObject(doc.plugins) && isObject(doc.plugins['basic-auth']);
  const hide = basicAuth && (doc.plugins as Json)['basic-auth'] && ((doc.plugins as Json)['basic-auth'] as Json).hide_credentials === true;
  const wildcard = uri.endsWith('*');
  const result = emptyImport();
  result.services.push({ name, upstream: { url: upstreamUrl(doc.upstream, source) } });
  result.routes.push({
    name,
    service: name,
    path: wildcard ? uri.replace(/\/?\*$/, '') || '/' : uri,
    match: wildcard ? 'prefix' : 'exact',
    ...(methods ? { methods: methods as never } : {}),
    ...(basicAuth ? { plugins: { 'basic-auth': { hideCredentials: Boolean(hide) } } } : {}),
  });
  return result;
}
