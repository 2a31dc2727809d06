// The one workspace model: the gateway serves it, main stores it, the renderer edits it.
// Secret *values* never appear here, only references to secrets held by a vault or a secret source.
import './zod-jitless';
import * as z from 'zod';
import { KymaApplication } from './kyma-application-schema';
import { HttpUrl, upstreamScheme } from './http-url';
import { endpointOptionsIssues, endpointOptionsShape } from './endpoint-security-schema';
import { SECRET_NAME_PATTERN, SECRET_NAME_RULE, secretKeySchema } from './secret-names';
import { credentialNormalForm } from './credential-normal-form';
import { normalRoutePath } from './route-paths';
import { shadowedTargets, type RouteTarget } from './route-targets';
import { kymaApplicationServices } from './kyma-services';
import { anonymousConsumerReferences } from './consumer-references';

export const WORKSPACE_SCHEMA_VERSION = 1;

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE'] as const;
export const HttpMethod = z.enum(HTTP_METHODS);
export type HttpMethod = z.infer<typeof HttpMethod>;

// Every named thing follows the secret-name rule, so any name (a service's, say) can also name its secret.
export const ResourceName = z.string().regex(SECRET_NAME_PATTERN, SECRET_NAME_RULE);

/** Read in the form request paths are matched in (`normalRoutePath`), so `/caf%c3%a9` and `/café` both match. */
const Path = z.string().regex(/^\/[^\s?#]*$/, 'a path starting with "/", without spaces, "?" or "#"').transform(normalRoutePath);

/** A hostname, optionally a leading wildcard label (`*.example.com`), without a port. */
const HostPattern = z
  .string()
  .transform((h) => h.toLowerCase())
  .pipe(z.string().regex(/^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/, 'a hostname such as api.example.com or *.example.com'));

/** Points at one key of a named secret; the value lives in the vault (or the cluster), never here. */
export const SecretKeyRef = z.object({
  secret: ResourceName,
  namespace: ResourceName.optional(),
  key: secretKeySchema('a secret key name'),
});
export type SecretKeyRef = z.infer<typeof SecretKeyRef>;

// C1 (U+0080–U+009F) too: a consumer's name and login are signed in with in UTF-8, where PRECIS refuses every control
// (basic-credential-rules.ts, hasUnicodeControlCharacter), as the realm's rule below does.
// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001f\u007f-\u009f]*$/;
const NO_CONTROL_CHARACTERS_MESSAGE = 'no control characters (tabs, line breaks, U+007F–U+009F, …)';
const NO_EDGE_SPACES = /^(?!\s)[\s\S]*(?<!\s)$/;
/**
 * A consumer's name, id or custom id: any text (sent upstream as UTF-8 bytes in an X-Consumer-* header), but no
 * control characters: they cannot be sent in a header, and RFC 7617 keeps them out of user-ids. Nor spaces at
 * either end: `alex ` would be a second consumer that looks like `alex` in every list, and X-Consumer-Username
 * would lose the space on the way (a header value's leading and trailing spaces are not part of it, RFC 9110 §5.5),
 * so the upstream could not tell the two apart either.
 */
const ConsumerText = z
  .string()
  .min(1)
  .max(256)
  .regex(NO_CONTROL_CHARACTERS, NO_CONTROL_CHARACTERS_MESSAGE)
  .regex(NO_EDGE_SPACES, 'no spaces at the start or end');

/**
 * A consumer's basic-auth login when it is not its name, held to the same rules for the same reasons: with `b ` and
 * `b` both logins, X-Credential-Identifier would say `b` for either. The messages name the login, since the app's
 * consumer form, which edits the name only, shows them under its Username field.
 */
const BasicAuthLogin = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[^:]*$/, 'no ":" in a basic-auth username (RFC 7617)')
  .regex(NO_CONTROL_CHARACTERS, 'no control characters (tabs, line breaks, U+007F–U+009F, …) in a basic-auth username')
  .regex(NO_EDGE_SPACES, 'no spaces at the start or end of a basic-auth username');

export const BasicAuthPlugin = z
  .object({
    enabled: z.boolean().default(true),
    // Sent as UTF-8 bytes in the challenge's quoted-string, so any text but quotes, backslashes and control characters:
    // C0, DEL and C1. The quoted-string would admit a tab, and C1's UTF-8 bytes as obs-text (RFC 9110 §5.6.4), but
    // both are controls still, which a client's sign-in prompt would show as it likes, or not at all.
    // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
    realm: z.string().regex(/^[^"\\\u0000-\u001f\u007f-\u009f]*$/, 'no quotes, backslashes or control characters (tabs, line breaks, U+007F–U+009F)').default('.'),
    hideCredentials: z.boolean().default(false),
    /**
     * Username of a consumer a request is served as when its credentials are missing or fail (wrong, unknown,
     * malformed, repeated), as in APISIX and Kong; such failures still count toward the client's throttle.
     */
    anonymousConsumer: z.string().min(1).regex(NO_CONTROL_CHARACTERS, NO_CONTROL_CHARACTERS_MESSAGE).optional(),
  })
  .strict();
export type BasicAuthPlugin = z.infer<typeof BasicAuthPlugin>;

export const Plugins = z
  .object({
    'basic-auth': BasicAuthPlugin.optional(),
  })
  .strict()
  .default({});
export type Plugins = z.infer<typeof Plugins>;

const UpstreamUrl = HttpUrl;

/** Said for any port that is not one (a letter typed, NaN, 0, 99999), instead of zod's "expected number, received NaN". */
const SERVICE_PORT_RULE = 'a port is a whole number from 1 to 65535';

/** A Kubernetes Service reached through the connected cluster (WSO2 APK's serviceInfo). */
export const ServiceInfo = z
  .object({
    name: ResourceName,
    namespace: ResourceName.default('default'),
    port: z.number({ error: SERVICE_PORT_RULE }).int(SERVICE_PORT_RULE).min(1, SERVICE_PORT_RULE).max(65535, SERVICE_PORT_RULE).optional(),
    protocol: z.enum(['http', 'https']).default('http'),
  })
  .strict();

export const Upstream = z.union([
  z.object({ url: UpstreamUrl }).strict(),
  z.object({ serviceInfo: ServiceInfo }).strict(),
], { error: 'expected either url (an http:// or https:// URL) or serviceInfo (a Kubernetes Service: name, namespace, port)' });
export type Upstream = z.infer<typeof Upstream>;

export { EndpointSecurity } from './endpoint-security-schema';

export const Timeouts = z
  .object({
    connectMs: z.number().int().min(1).max(600_000).default(10_000),
    /**
     * Time a request may wait in the gateway for one of `gateway.maxUpstreamConnections` to its upstream when all are
     * busy (long streams, a slow backend), before its 503; `connectMs` when absent, as HAProxy's `timeout queue`.
     */
    queueMs: z.number().int().min(1).max(600_000).optional(),
    /** Time allowed for the upstream's response headers, and between body chunks. */
    responseMs: z.number().int().min(1).max(3_600_000).default(60_000),
    /**
     * Time a client may leave the answer unread (the gateway's next write to it waiting) before its connection is
     * closed and the upstream's freed, as nginx's send_timeout: a client that stops reading would otherwise hold an
     * upstream connection for as long as the upstream has more to send.
     */
    clientReadMs: z.number().int().min(1).max(3_600_000).default(60_000),
  })
  .strict();
export type Timeouts = z.infer<typeof Timeouts>;

export const ENVIRONMENTS = ['production', 'sandbox'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];
/** The request header that picks a service's production or sandbox endpoint (removed before forwarding). */
export const ENVIRONMENT_HEADER = 'x-gatehouse-environment';

/** A second backend with its own security, as WSO2 APK's sandbox_endpoints. */
export const SandboxEndpoint = z
  .object({
    upstream: Upstream,
    ...endpointOptionsShape,
  })
  .strict();
export type SandboxEndpoint = z.infer<typeof SandboxEndpoint>;

export const Service = z
  .object({
    name: ResourceName,
    pathPrefix: Path.default('/'),
    hosts: z.array(HostPattern).optional(),
    /** The production endpoint; its security is the service's own endpointSecurity/csrf/tls fields. */
    upstream: Upstream,
    stripPrefix: z.boolean().default(true),
    plugins: Plugins,
    ...endpointOptionsShape,
    sandbox: SandboxEndpoint.optional(),
    /** Used when a request does not pick one with the X-Gatehouse-Environment header. */
    defaultEnvironment: z.enum(ENVIRONMENTS).default('production'),
    /** `kyma`: an upstream 5xx becomes 502 with `Target-System-Status: <status>`; by default it passes through. */
    targetErrors: z.enum(['pass-through', 'kyma']).default('pass-through'),
    /**
     * Kyma's `Access-Token`: a caller's Access-Token header is sent as Authorization instead of the endpoint's own
     * Basic credentials or OAuth token (security/caller-access-token.ts). Services of Kyma applications have it.
     */
    acceptAccessToken: z.boolean().optional(),
    timeouts: Timeouts.optional(),
  })
  .strict()
  .superRefine((service, ctx) => {
    if (service.defaultEnvironment === 'sandbox' && !service.sandbox) ctx.addIssue({ code: 'custom', path: ['defaultEnvironment'], message: 'no sandbox endpoint is configured' });
  });
export type Service = z.infer<typeof Service>;

export const Route = z
  .object({
    name: ResourceName,
    service: ResourceName,
    path: Path,
    match: z.enum(['exact', 'prefix']).default('prefix'),
    methods: z.array(HttpMethod).min(1).optional(),
    hosts: z.array(HostPattern).optional(),
    plugins: Plugins,
  })
  .strict();
export type Route = z.infer<typeof Route>;

export const Consumer = z
  .object({
    /** Sent upstream as X-Consumer-Username. */
    username: ConsumerText,
    /** Sent upstream as X-Consumer-ID (Kong's consumer id); unique among consumers. */
    id: ConsumerText.optional(),
    /** Sent upstream as X-Consumer-Custom-ID (Kong's custom_id, APISIX's labels.custom_id). */
    customId: ConsumerText.optional(),
    basicAuth: z
      .object({
        /** The username presented in the Authorization header, sent upstream as X-Credential-Identifier; defaults to the consumer's. */
        username: BasicAuthLogin.optional(),
        password: SecretKeyRef,
      })
      .strict()
      .optional(),
  })
  .strict();
export type Consumer = z.infer<typeof Consumer>;

export const Throttle = z
  .object({
    maxFailures: z.number().int().min(1).default(10),
    windowSeconds: z.number().int().min(1).default(60),
    blockSeconds: z.number().int().min(1).default(60),
    /**
     * Throttle loopback clients (127.0.0.0/8, ::1) too. Off by default: on a local gateway they are the developer;
     * turn it on behind a local tunnel or reverse proxy, where every client arrives from loopback.
     */
    loopback: z.boolean().default(false),
  })
  .strict();

/** What the gateway accepts from clients: request size and how long a client may take to send a request. */
export const Limits = z
  .object({
    /** Largest request body in bytes: a bigger Content-Length, or a chunked body growing past it, is answered 413. No limit when absent. */
    maxBodyBytes: z.number().int().min(0).optional(),
    /** Time a client has to send a request's headers (and a new connection its first request); then 408. */
    clientHeadersTimeoutMs: z.number().int().min(1).max(600_000).default(30_000),
    /** Time a client has to send a whole request, headers and body, from its first byte; then 408. The response is not limited by it. */
    clientBodyTimeoutMs: z.number().int().min(1).max(86_400_000).default(300_000),
  })
  .strict()
  .superRefine((limits, ctx) => {
    if (limits.clientHeadersTimeoutMs > limits.clientBodyTimeoutMs) {
      ctx.addIssue({ code: 'custom', path: ['clientHeadersTimeoutMs'], message: 'must not exceed clientBodyTimeoutMs: the headers are part of the request' });
    }
  });
export type Limits = z.infer<typeof Limits>;

export const GatewaySettings = z
  .object({
    // An empty host would have Node listen on every interface: a local gateway made public by an empty string.
    host: z.string().min(1, 'an address to listen on, such as 127.0.0.1 (empty would listen on every interface)').default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(9080),
    throttle: Throttle.default(Throttle.parse({})),
    timeouts: Timeouts.default(Timeouts.parse({})),
    limits: Limits.default(Limits.parse({})),
    /** Most connections the gateway keeps open to one upstream origin; further requests wait for one to be free. */
    maxUpstreamConnections: z.number().int().min(1).max(10_000).default(64),
  })
  .strict();

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

/** How `by` takes every request of `target` beyond their common path: the hosts and methods it takes them for. */
function shadowQualifier(target: RouteTarget, by: RouteTarget): string {
  const parts: string[] = [];
  if (target.hosts && by.hosts) parts.push(sameSet(target.hosts, by.hosts) ? 'the same hosts' : 'all of its hosts');
  if (!by.methods && target.methods) parts.push('any method');
  else if (by.methods && target.methods) parts.push(sameSet(target.methods, by.methods) ? 'the same methods' : 'all of its methods');
  return parts.length > 0 ? ` (for ${parts.join(' and ')})` : '';
}

/**
 * How the schema ends the message of a service or route no request can reach: the form of the one that takes its
 * requests claims it (as it claims a duplicate name), since that form's edit is what made it unreachable.
 */
export const UNREACHABLE = 'no request would reach';

/**
 * A service or route that can never receive a request: an earlier one has its match target (path, kind, hosts,
 * methods), and the router takes the first of equals (route-targets.ts). Saved, it would look served and never
 * be; so it is refused on its path field, naming the one that takes its requests. Kyma applications' services are
 * routed after the workspace's own, so one can be shadowed by a workspace service; it is reported on its display
 * name, which makes its path segment.
 */
function unreachableIssues(services: readonly Service[], routes: readonly Route[], applications: readonly KymaApplication[]): { path: (string | number)[]; message: string }[] {
  const fields = new Map<Service, (string | number)[]>(services.map((s, i) => [s, ['services', i, 'pathPrefix']]));
  const served = [...services];
  applications.forEach((app, i) => {
    kymaApplicationServices(app).forEach((s, j) => {
      fields.set(s, ['applications', i, 'services', j, 'displayName']);
      served.push(s);
    });
  });
  const label = (t: RouteTarget) => (t.route ? `route "${t.route.name}"` : `service "${t.service.name}"`);
  return shadowedTargets(served, routes).flatMap(({ target, by }) => {
    const field = target.route ? ['routes', routes.indexOf(target.route), 'path'] : fields.get(target.service);
    // Two services of one name are refused for that already; "no request would reach service x" would say nothing more.
    if (!field || label(target) === label(by)) return [];
    const path = target.route && target.route.path !== target.path ? `its full path "${target.path}"` : `"${target.path}"`;
    return [{ path: field, message: `${path} is already ${label(by)}'s${shadowQualifier(target, by)}: ${UNREACHABLE} ${label(target)}` }];
  });
}

/** Every check but reachability: see WorkspaceAsStored. */
const WorkspaceFields = z
  .object({
    $schema: z.string().optional(),
    version: z.literal(WORKSPACE_SCHEMA_VERSION).default(WORKSPACE_SCHEMA_VERSION),
    gateway: GatewaySettings.default(GatewaySettings.parse({})),
    services: z.array(Service).default([]),
    routes: z.array(Route).default([]),
    consumers: z.array(Consumer).default([]),
    applications: z.array(KymaApplication).default([]),
    /**
     * The kubeconfig context and namespace last connected with this workspace, and the kubeconfig file chosen for
     * it (names and a path only); and `label`, the value of the `gatehouse.dev/workspace` label on the objects it
     * pushes (default `gatehouse`): prune lists the objects carrying it, so each workspace pushed to one cluster
     * needs its own.
     */
    cluster: z
      .object({
        context: z.string().min(1).max(253).optional(),
        namespace: ResourceName.optional(),
        kubeconfig: z.string().min(1).max(4096).optional(),
        label: z.string().max(63).regex(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, 'a Kubernetes label value: letters, digits, "-", "_" and ".", starting and ending with a letter or digit, at most 63').optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((ws, ctx) => {
    const serviceNames = new Set<string>();
    ws.services.forEach((s, i) => {
      // Runs even when the URL itself failed validation: that issue is reported already.
      for (const issue of endpointOptionsIssues(upstreamScheme(s.upstream), s)) ctx.addIssue({ code: 'custom', path: ['services', i, ...issue.path], message: issue.message });
      if (s.sandbox) {
        for (const issue of endpointOptionsIssues(upstreamScheme(s.sandbox.upstream), s.sandbox)) ctx.addIssue({ code: 'custom', path: ['services', i, 'sandbox', ...issue.path], message: issue.message });
      }
      if (serviceNames.has(s.name)) ctx.addIssue({ code: 'custom', path: ['services', i, 'name'], message: `duplicate service name "${s.name}"` });
      serviceNames.add(s.name);
    });
    const applicationNames = new Set<string>();
    ws.applications.forEach((a, i) => {
      if (applicationNames.has(a.name)) ctx.addIssue({ code: 'custom', path: ['applications', i, 'name'], message: `duplicate application name "${a.name}"` });
      applicationNames.add(a.name);
    });
    const routeNames = new Set<string>();
    ws.routes.forEach((r, i) => {
      if (routeNames.has(r.name)) ctx.addIssue({ code: 'custom', path: ['routes', i, 'name'], message: `duplicate route name "${r.name}"` });
      routeNames.add(r.name);
      if (!serviceNames.has(r.service)) ctx.addIssue({ code: 'custom', path: ['routes', i, 'service'], message: `no service named "${r.service}"` });
    });
    const consumerNames = new Set<string>();
    const consumerIds = new Map<string, string>();
    /** Logins in the form they are compared in (NFC), each to the login first written that way. */
    const credentialNames = new Map<string, string>();
    ws.consumers.forEach((c, i) => {
      if (consumerNames.has(c.username)) ctx.addIssue({ code: 'custom', path: ['consumers', i, 'username'], message: `duplicate consumer "${c.username}"` });
      consumerNames.add(c.username);
      if (c.id !== undefined) {
        // An upstream tells consumers apart by X-Consumer-ID: two consumers with one id would be one to it.
        const holder = consumerIds.get(c.id);
        if (holder !== undefined) ctx.addIssue({ code: 'custom', path: ['consumers', i, 'id'], message: `duplicate consumer id "${c.id}" (consumer "${holder}" has it)` });
        else consumerIds.set(c.id, c.username);
      }
      if (c.basicAuth) {
        const login = c.basicAuth.username ?? c.username;
        // The login defaults to the consumer's name, which may hold a ":"; a Basic user-id cannot (RFC 7617).
        if (c.basicAuth.username === undefined && c.username.includes(':')) ctx.addIssue({ code: 'custom', path: ['consumers', i, 'basicAuth', 'username'], message: `the consumer's name "${c.username}" contains ":", which a basic-auth username cannot (RFC 7617): set a username without it` });
        const compared = credentialNormalForm(login);
        const taken = credentialNames.get(compared);
        if (taken === login) ctx.addIssue({ code: 'custom', path: ['consumers', i, 'basicAuth', 'username'], message: `basic-auth username "${login}" is used by another consumer` });
        else if (taken !== undefined) ctx.addIssue({ code: 'custom', path: ['consumers', i, 'basicAuth', 'username'], message: `basic-auth username "${login}" is another consumer's "${taken}" written in another Unicode normalization form; logins are compared in NFC (RFC 7617)` });
        else credentialNames.set(compared, login);
      }
    });
    for (const ref of anonymousConsumerReferences(ws)) {
      if (!consumerNames.has(ref.consumer)) ctx.addIssue({ code: 'custom', path: ref.path, message: `no consumer named "${ref.consumer}"` });
    }
  });

export const Workspace = WorkspaceFields.superRefine((ws, ctx) => {
  for (const issue of unreachableIssues(ws.services, ws.routes, ws.applications)) ctx.addIssue({ code: 'custom', ...issue });
});

/**
 * A workspace file the app reads back. An item no request can reach was saved before 1 Dec, when nothing refused
 * it: refused on load, the app would run on an empty workspace and serve nothing. It is read as it was (that item
 * was never reached, and still is not), and the next save refuses it on its path field.
 */
export const WorkspaceAsStored = WorkspaceFields;
export type Workspace = z.infer<typeof Workspace>;
export type WorkspaceInput = z.input<typeof Workspace>;
