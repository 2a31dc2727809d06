// What the service, route and consumer forms edit (strings and flags, as inputs hold them) and how a draft
// becomes the workspace object the zod schemas validate. Fields a form does not edit are carried over from
// the saved object untouched (a service's endpointSecurity and timeouts, a consumer's login name).
import type { BasicAuthPlugin, Consumer, HttpMethod, Route, SecretKeyRef, Service } from '../../../gateway/config/schema';
import { SECRET_NAME_PATTERN } from '../../../gateway/config/secret-names';

export type BasicAuthMode = 'inherit' | 'on' | 'off';

export interface BasicAuthDraft {
  /** `inherit` exists for routes only: no plugin on the route, the service's applies. */
  mode: BasicAuthMode;
  realm: string;
  hideCredentials: boolean;
  /** Empty: no anonymous consumer. */
  anonymousConsumer: string;
}

export interface ServiceDraft {
  name: string;
  pathPrefix: string;
  hosts: string;
  upstreamKind: 'url' | 'kubernetes';
  upstreamUrl: string;
  k8sName: string;
  k8sNamespace: string;
  k8sPort: string;
  k8sProtocol: 'http' | 'https';
  stripPrefix: boolean;
  basicAuth: BasicAuthDraft;
}

export interface RouteDraft {
  name: string;
  service: string;
  path: string;
  match: 'exact' | 'prefix';
  methods: HttpMethod[];
  hosts: string;
  basicAuth: BasicAuthDraft;
}

export interface ConsumerDraft {
  username: string;
  /** Typed by the user; never loaded (the value stays in the vault). Empty: keep the current one. */
  password: string;
  /** Empty: none (no X-Consumer-ID). */
  id: string;
  /** Empty: none (no X-Consumer-Custom-ID). */
  customId: string;
}

const DEFAULT_REALM = '.';

function basicAuthDraft(plugin: BasicAuthPlugin | undefined, whenAbsent: BasicAuthMode): BasicAuthDraft {
  if (!plugin) return { mode: whenAbsent, realm: DEFAULT_REALM, hideCredentials: false, anonymousConsumer: '' };
  return { mode: plugin.enabled ? 'on' : 'off', realm: plugin.realm, hideCredentials: plugin.hideCredentials, anonymousConsumer: plugin.anonymousConsumer ?? '' };
}

/**
 * The plugin object for a draft, or undefined for none. "Off" on a route is an explicit override
 * (`enabled: false`); on a service it removes the plugin, unless there was one whose settings are kept.
 */
function basicAuthPlugin(draft: BasicAuthDraft, had: boolean, isRoute: boolean): Record<string, unknown> | undefined {
  if (draft.mode === 'inherit') return undefined;
  if (draft.mode === 'off' && !isRoute && !had) return undefined;
  const plugin: Record<string, unknown> = { enabled: draft.mode === 'on', realm: draft.realm, hideCredentials: draft.hideCredentials };
  if (draft.anonymousConsumer !== '') plugin.anonymousConsumer = draft.anonymousConsumer;
  return plugin;
}

/**
 * An optional field of what a form saves: set to `value`, or removed when the form leaves it out (undefined), so
 * a field the user cleared does not survive from the entry being edited.
 */
function setOrDelete(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined) target[key] = value;
  else delete target[key];
}

/** An optional text field as typed: empty is left out, anything else goes to the schema as written. */
const typed = (text: string): string | undefined => (text !== '' ? text : undefined);

export function withPlugin(plugins: Record<string, unknown> | undefined, plugin: Record<string, unknown> | undefined): Record<string, unknown> {
  const next = { ...(plugins ?? {}) };
  setOrDelete(next, 'basic-auth', plugin);
  return next;
}

export function parseHosts(text: string): string[] | undefined {
  const hosts = text.split(/[\s,]+/).filter((h) => h !== '');
  return hosts.length > 0 ? hosts : undefined;
}

export function serviceDraft(service?: Service): ServiceDraft {
  const upstream = service?.upstream;
  const info = upstream && 'serviceInfo' in upstream ? upstream.serviceInfo : undefined;
  return {
    name: service?.name ?? '',
    pathPrefix: service?.pathPrefix ?? '/',
    hosts: service?.hosts?.join(', ') ?? '',
    upstreamKind: info ? 'kubernetes' : 'url',
    upstreamUrl: upstream && 'url' in upstream ? upstream.url : '',
    k8sName: info?.name ?? '',
    k8sNamespace: info?.namespace ?? 'default',
    k8sPort: info?.port !== undefined ? String(info.port) : '',
    k8sProtocol: info?.protocol ?? 'http',
    stripPrefix: service?.stripPrefix ?? true,
    basicAuth: basicAuthDraft(service?.plugins['basic-auth'], 'off'),
  };
}

/** A port as typed: empty is "not set"; anything else goes to the schema as a number (NaN when it is none). */
function portValue(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  return /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
}

export function serviceInfoInput(draft: ServiceDraft): Record<string, unknown> {
  const info: Record<string, unknown> = { name: draft.k8sName.trim(), namespace: draft.k8sNamespace.trim() || 'default', protocol: draft.k8sProtocol };
  const port = portValue(draft.k8sPort);
  if (port !== undefined) info.port = port;
  return info;
}

/** The service as the schema reads it; `existing` supplies the fields this form does not edit. */
export function serviceFromDraft(draft: ServiceDraft, existing?: Service): Record<string, unknown> {
  const service: Record<string, unknown> = {
    ...(existing ?? {}),
    name: draft.name.trim(),
    pathPrefix: draft.pathPrefix.trim(),
    upstream: draft.upstreamKind === 'url' ? { url: draft.upstreamUrl.trim() } : { serviceInfo: serviceInfoInput(draft) },
    stripPrefix: draft.stripPrefix,
    plugins: withPlugin(existing?.plugins, basicAuthPlugin(draft.basicAuth, existing?.plugins['basic-auth'] !== undefined, false)),
  };
  setOrDelete(service, 'hosts', parseHosts(draft.hosts));
  return service;
}

export function routeDraft(route: Route | undefined, service: string): RouteDraft {
  return {
    name: route?.name ?? '',
    service: route?.service ?? service,
    path: route?.path ?? '/',
    match: route?.match ?? 'prefix',
    methods: [...(route?.methods ?? [])],
    hosts: route?.hosts?.join(', ') ?? '',
    basicAuth: basicAuthDraft(route?.plugins['basic-auth'], 'inherit'),
  };
}

export function routeFromDraft(draft: RouteDraft, existing?: Route): Record<string, unknown> {
  const route: Record<string, unknown> = {
    ...(existing ?? {}),
    name: draft.name.trim(),
    service: draft.service,
    path: draft.path.trim(),
    match: draft.match,
    plugins: withPlugin(existing?.plugins, basicAuthPlugin(draft.basicAuth, existing?.plugins['basic-auth'] !== undefined, true)),
  };
  setOrDelete(route, 'methods', draft.methods.length > 0 ? [...draft.methods] : undefined);
  setOrDelete(route, 'hosts', parseHosts(draft.hosts));
  return route;
}

export function consumerDraft(consumer: Consumer | undefined): ConsumerDraft {
  return { username: consumer?.username ?? '', password: '', id: consumer?.id ?? '', customId: consumer?.customId ?? '' };
}

/**
 * A consumer as saved: its name, id and custom id without the spaces at their ends, as a service's name is (the
 * schema refuses them there: `alex ` would be a second `alex`).
 */
export function consumerFromDraft(draft: ConsumerDraft, existing: Consumer | undefined, password: SecretKeyRef | undefined): Record<string, unknown> {
  const consumer: Record<string, unknown> = { ...(existing ?? {}), username: draft.username.trim() };
  setOrDelete(consumer, 'id', typed(draft.id.trim()));
  setOrDelete(consumer, 'customId', typed(draft.customId.trim()));
  setOrDelete(consumer, 'basicAuth', password ? { ...(existing?.basicAuth ?? {}), password } : undefined);
  return consumer;
}

/**
 * The vault secret that holds a new consumer's password: `consumer-<username>`, with characters a secret
 * name cannot hold replaced, made unique against `taken`.
 */
export function consumerSecretName(username: string, taken: ReadonlySet<string>): string {
  const base = `consumer-${username.toLowerCase().replace(/[^a-z0-9._-]+/g, '-')}`.slice(0, 55).replace(/[^a-z0-9]+$/, '') || 'consumer';
  const root = SECRET_NAME_PATTERN.test(base) ? base : 'consumer';
  let name = root;
  for (let n = 2; taken.has(name); n += 1) name = `${root}-${n}`;
  return name;
}

export function sameDraft<T>(a: T, b: T): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
