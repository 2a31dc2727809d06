// The one IPC contract between the renderer and main: channel names, request/response types and the zod
// schemas main validates every request with. Runs in every process: no Node or Electron imports here.
import '../../gateway/config/zod-jitless';
import * as z from 'zod';
import { ResourceName, Workspace } from '../../gateway/config/schema';
import { labelNameSchema } from '../../gateway/config/kubernetes-names';
import type { FieldError } from '../../gateway/config/validate';
import type { BodyPreview, CapturedExchange, ExchangeSummary } from '../../gateway/capture/exchange';

export type { BodyPreview, CapturedExchange, CredentialUse, ExchangeHeader, ExchangeSummary, UpstreamAttempt } from '../../gateway/capture/exchange';
import type { LeftOutItem } from '../../gateway/config/left-out-item';
import { CONNECTION_LOG_ERRORS } from '../../gateway/log/connection-log';

export type { LeftOutItem };
import { secretKeySchema, secretValueSchema } from '../../gateway/config/secret-names';
import { PLACEHOLDER_NAME_PATTERN } from '../../gateway/config/placeholders';
import type { GatehouseFailure } from '../../gateway/errors/gatehouse-error';
import type { GatewayState, GatewayStatus, ServedConfig } from '../services/gateway-supervisor/gateway-status';

const SecretRefRequest = z.object({ name: ResourceName, namespace: ResourceName.optional() }).strict();
const SecretKeyName = secretKeySchema();
const SecretValue = secretValueSchema();
/**
 * Some keys of a secret to change (creating it when the vault has none): `set` writes values, `remove` drops keys,
 * every other stored key is kept in main, so kept values never cross to the renderer.
 */
export const SecretUpdateRequest = SecretRefRequest.extend({ set: z.record(SecretKeyName, SecretValue), remove: z.array(SecretKeyName).max(1000).optional() }).strict();
export type SecretUpdateRequest = z.infer<typeof SecretUpdateRequest>;

// The supervisor's own status type, sent as it is (types only: nothing of the supervisor runs here).
export type { GatewayState, GatewayStatus, ServedConfig };

export interface VaultStatus {
  mode: 'keychain' | 'session-only' | 'unavailable';
  /** Why the keychain is not used, and how to fix it. */
  reason?: string;
}

export interface SecretSummary {
  name: string;
  namespace?: string;
  /** Key names with masked values: values cross to the renderer only through `secrets:reveal`. */
  keys: { key: string; masked: string }[];
}

/**
 * `ok: true`: the change is saved; `workspace` is what was saved and `gateway` what the gateway made of it (its
 * `served` says whether it serves the saved workspace and which items it left out). `ok: false`: nothing was saved.
 */
/** A saved workspace and the revision of the file it is (a digest of its bytes): a save made on it names that revision. */
export interface RevisedWorkspace {
  workspace: Workspace;
  revision: string;
}

export type SaveResult = ({ ok: true; gateway: GatewayStatus } & RevisedWorkspace) | { ok: false; errors: FieldError[] };

/**
 * `workspace:save`'s request from the renderer: the edited workspace and the revision it was made on. A save whose
 * revision the file no longer holds (another program wrote it since) is refused, and that version taken up. A bare
 * workspace (tests) is taken as made on the version main's store last read or wrote when its turn comes.
 * `secrets`: values a form typed in, written with the workspace that names them: only once the workspace is valid
 * and the file still holds `basedOn`, and put back as they were when the save is refused after all, so a refused
 * save leaves the vault as it was too (a failed write names its `secrets[i]`).
 */
export const SaveOnRevision = z.object({ workspace: z.unknown(), basedOn: z.string().min(1).max(64), secrets: z.array(SecretUpdateRequest).max(100).optional() }).strict();
export type SaveOnRevision = z.infer<typeof SaveOnRevision>;

/**
 * Fields that frame the message or manage the connection: Try it sets them from the body it sends (undici refuses
 * the rest, or a Content-Length that does not match the body, only when it is about to send).
 */
const SET_BY_TRY_IT = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'expect', 'te', 'trailer']);

export const TryItRequest = z
  .object({
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']),
    path: z.string().regex(/^\/[^\s#]*$/, 'a path starting with "/"'),
    headers: z.array(z.object({
      name: z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'a header name')
        .refine((name) => !SET_BY_TRY_IT.has(name.toLowerCase()), 'set by Try it from the body and the connection'),
      value: z.string().regex(/^[^\r\n\0]*$/, 'no line breaks'),
    })).max(100),
    body: z.string().max(1_000_000, 'The body is larger than the 1,000,000 characters Try it sends').optional(),
    basicAuth: z.object({ username: z.string().regex(/^[^:]*$/, 'no ":"'), password: z.string() }).optional(),
  })
  .strict();
export type TryItRequest = z.infer<typeof TryItRequest>;

/** tryit:send's failure when the gateway could not be reached: nothing was sent. */
export const TRY_IT_NOT_SENT = 'GATEHOUSE_TRYIT_NOT_SENT';
/** tryit:send's failure when the request went out and no answer came back (the connection closed, the wait ran out). */
export const TRY_IT_NO_ANSWER = 'GATEHOUSE_TRYIT_NO_ANSWER';

/**
 * Why the gateway takes no requests now, with its cause (`lastError`): what Try it says it did not send, and what a
 * save says it was not applied to.
 */
export function gatewayDownReason(status: Pick<GatewayStatus, 'state' | 'lastError'>): string {
  const cause = status.lastError ? `: ${status.lastError}` : '';
  switch (status.state) {
    case 'failed':
      return `the gateway could not start${cause}`;
    case 'restarting':
      return `the gateway is down${cause || ' and restarting'}`;
    case 'starting':
      return 'the gateway is still starting';
    case 'stopped':
      return `the gateway is not running${cause}`;
    case 'running':
      return 'the gateway is running';
  }
}

export interface TryItResponse {
  status: number;
  headers: [string, string][];
  /**
   * The answer's body as Traffic captured it, credential values masked (the first 256 KiB, with its kind and full
   * size); when there is no capture of it (`unmasked` says why), the first MB as read.
   */
  body: BodyPreview;
  /** From sending to the last byte read. */
  durationMs: number;
  /** The body broke off before its end (the connection closed): why, and how much came. */
  cutShort?: string;
  /** Why the body is shown as read, without credential values masked in it. */
  unmasked?: string;
}

/** The traffic inspector's list: rows newest first, how many are kept and how many were let go. */
export interface TrafficList {
  exchanges: ExchangeSummary[];
  kept: number;
  dropped: number;
  capturing: boolean;
  /** The last CONNECTION_NOTICES_KEPT connection notices, newest first. */
  notices: ConnectionNotice[];
}

/** How many connection notices main keeps (the last ones), and so the Traffic screen lists. */
export const CONNECTION_NOTICES_KEPT = 100;

/** An origin as URL gives it (`http://127.0.0.1:8081`): scheme, host and port, no path, no user or password. */
function isHttpOrigin(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === text;
  } catch {
    return false;
  }
}

/**
 * A line the gateway logged about an upstream connection rather than a request (gateway/log/connection-log.ts),
 * as main checks it before the window sees it: its time, the upstream's origin, an error code the gateway is known
 * to log and a message of one line of printable ASCII (what the gateway writes: an origin is ASCII, punycode for a
 * name that is not). Nothing else passes: another field, an origin with a path or credentials, a control
 * character, an unknown code, an overlong message.
 */
export const ConnectionLogLine = z
  .object({
    time: z.iso.datetime(),
    upstream: z.string().max(300).refine(isHttpOrigin, 'an http(s) origin: scheme, host and port only'),
    error: z.enum(CONNECTION_LOG_ERRORS),
    message: z.string().min(1).max(400).regex(/^[\x20-\x7e]+$/, 'one line of printable ASCII'),
  })
  .strict();

export type ConnectionLogLine = z.infer<typeof ConnectionLogLine>;
/**
 * A connection line as main keeps it and the Traffic screen lists it. `id` counts the notices of the app's run
 * (Clear does not start it again), so a push can be told from a notice already listed. Lines that say what the
 * newest notice says are folded into it (`saysTheSame`): the notice is then the newest line, under a new id, with
 * `repeats` lines in all since `firstTime`, and the one it folded is gone.
 */
export type ConnectionNotice = ConnectionLogLine & { id: number; repeats: number; firstTime: string };

/** Whether two connection lines say the same thing (the same upstream, error and message), whatever their times. */
export function saysTheSame(line: ConnectionLogLine, other: ConnectionLogLine): boolean {
  return line.upstream === other.upstream && line.error === other.error && line.message === other.message;
}

/** Connection notices new since the last push, oldest first: pushed at most once per turn of main's event loop. */
export interface ConnectionNoticesUpdate {
  notices: ConnectionNotice[];
}

/**
 * The rows of the exchanges that are new or progressed (a streaming one) since the last push, in the order main
 * received them (an exchange may come more than once: its last row is its newest), and the counts after them.
 * Pushed at most once per turn of main's event loop, so a load test does not send the window a message a request.
 */
export interface TrafficUpdate {
  summaries: ExchangeSummary[];
  kept: number;
  dropped: number;
}

/** A file written by main where the user chose (`saved: false`: the user cancelled the dialog). */
export type SaveFileResult = { saved: false } | { saved: true; path: string; bytes: number };

const None = z.undefined();

// Cluster results, restated as plain data: the contract runs in the renderer, which must not see client-node.
export interface ClusterObjectRef { apiVersion: string; kind: string; name: string; namespace?: string }
export interface ClusterContext { name: string; cluster: string; user: string; namespace: string; server?: string; auth: string; execCommand?: string }
export interface ClusterConnectionReport {
  context: string; server: string; user: string; namespace: string; serverVersion: string;
  permissions: { label: string; allowed: boolean; reason?: string }[];
  missing: string[];
  targets: { kymaApplications: boolean; apkBackends: boolean; apisix: boolean };
  pathProblem?: string;
  /** The namespace is not on the cluster: a push there fails until it is created. */
  namespaceMissing?: true;
}
/** `hidden`: Secret data, shown as added/removed/changed without its value. */
export interface ClusterFieldChange { path: string; change: 'added' | 'removed' | 'changed'; before?: string; after?: string; hidden?: boolean }
/** A workspace item and what a push makes of it: pushed (as these objects), skipped (with why), or not applicable. */
export interface ClusterWorkspaceItem {
  kind: 'service' | 'route' | 'consumer' | 'application';
  name: string;
  status: 'pushed' | 'skipped' | 'not-applicable';
  objects: ClusterObjectRef[];
  reason?: string;
}
export interface ClusterPlan {
  /** `unsupported`: not sent, this cluster does not serve the kind (or only such objects use the Secret); `skipped`: a Secret it needs would not make it. */
  items: { ref: ClusterObjectRef; label: string; action: 'create' | 'update' | 'unchanged' | 'conflict' | 'invalid' | 'unsupported' | 'skipped'; changes: ClusterFieldChange[]; conflicts?: { manager: string; field: string }[]; message?: string }[];
  workspaceItems: ClusterWorkspaceItem[];
  upToDate: boolean;
}
export interface ClusterPushReport {
  items: { ref: ClusterObjectRef; label: string; outcome: 'created' | 'updated' | 'unchanged' | 'conflict' | 'failed' | 'skipped' | 'unsupported'; message?: string; status?: number; conflicts?: { manager: string; field: string }[] }[];
  workspaceItems: ClusterWorkspaceItem[];
  ok: boolean;
  counts: Record<string, number>;
}
/**
 * An export, and what it says beside the YAML as the CLI's `export` says it on stderr: each workspace item left out,
 * whole or in part, with why (one line each, the CLI's words); with no object to hold, no file but why not.
 */
export interface ClusterExport {
  /** `kubectl apply -f`-ready YAML; absent when `objectCount` is 0 (a file of comments only, which kubectl refuses). */
  yaml?: string;
  /** The objects the file holds (without secret values, the Secrets are only in its header). */
  objectCount: number;
  leftOut: string[];
  /** With `objectCount` 0: why there is nothing to export ("no item of the workspace becomes a cluster object"). */
  nothingToExport?: string;
}
/** The kubeconfig's contexts, or why it could not be read (`problem`, `hint`); `chosen` is the file picked for this workspace. */
export interface ClusterContexts {
  files: string[];
  currentContext?: string;
  contexts: ClusterContext[];
  remembered?: { context?: string; namespace?: string };
  chosen?: string;
  problem?: string;
  hint?: string;
}
export interface ClusterPruneCandidate { ref: ClusterObjectRef; label: string; uid?: string; resourceVersion?: string }

const ClusterObjectRefSchema = z.object({ apiVersion: z.string().min(1), kind: z.string().min(1), name: z.string().min(1), namespace: z.string().optional() }).strict();

export const DocumentImportRequest = z
  .object({
    /** The pasted text: APK endpointConfig/serviceInfo/APK Conf, Kyma Application or services, Secrets, APISIX JSON. */
    text: z.string().min(1).max(1_000_000),
    name: ResourceName.optional(),
    namespace: ResourceName.optional(),
    vars: z.record(z.string().regex(PLACEHOLDER_NAME_PATTERN, 'a placeholder name'), z.string()).optional(),
    /** A Kubernetes Secret's `data` values are plain text: kept as written instead of base64-decoded. */
    plainSecretData: z.literal(true).optional(),
  })
  .strict();
export type DocumentImportRequest = z.infer<typeof DocumentImportRequest>;

/** What an import would add: objects by name, and secrets by name and key only. */
export interface DocumentImportPreview {
  services: string[];
  routes: string[];
  consumers: string[];
  applications: string[];
  secrets: { name: string; namespace?: string; keys: string[] }[];
  notes: string[];
  /**
   * Present when Import would refuse the document because the workspace it makes does not validate (a route whose
   * path a service already in the workspace takes): the field errors Import answers with, `{ ok: false, errors }`.
   */
  errors?: FieldError[];
}

/** One token fetched with a service endpoint's OAuth client credentials: never the token itself. */
export interface FetchTokenResult { ok: true; expiresInSeconds: number; tokenType: string }
/** A pasted client certificate and key, checked: who it names and until when it is valid. */
export interface CertificateCheck { subject: string; issuer: string; validFrom: string; validTo: string; fingerprint256: string }

/**
 * The workspace file against what the app runs. `problem`: why the file cannot be read, and then `running`: an
 * empty workspace (the file was unreadable when the app started) or the one the app had (another program broke
 * the file since). `backupAvailable`: workspace.json.bak is there and readable.
 */
export interface WorkspaceFileState {
  problem?: string;
  running?: 'empty' | 'last-read';
  /** With a problem: whether a save can replace the file (it can be read, only not used), keeping it aside. */
  replaceable?: boolean;
  backupAvailable: boolean;
}

/** Every invoke channel: its request schema and (by type only) its response. */
export const channels = {
  'workspace:get': { request: None, response: {} as RevisedWorkspace & { path: string } & WorkspaceFileState },
  /** A workspace, or SaveOnRevision (what the renderer sends). */
  'workspace:save': { request: z.unknown(), response: {} as SaveResult },
  'workspace:restore-backup': { request: None, response: {} as SaveResult },
  /** The workspace as a file: names only, or (with a passphrase) an encrypted bundle including secret values. */
  'workspace:export': { request: z.object({ passphrase: z.string().min(8).max(1024).optional() }).strict(), response: {} as { text: string; encrypted: boolean } },
  'workspace:import': { request: z.object({ text: z.string().min(1).max(10_000_000), passphrase: z.string().max(1024).optional() }).strict(), response: {} as SaveResult },
  'import:preview': { request: DocumentImportRequest, response: {} as DocumentImportPreview },
  /** Secret values go to the vault, the objects into the saved workspace. */
  'import:apply': { request: DocumentImportRequest, response: {} as SaveResult & { notes?: string[] } },
  /** `remembered`: the context and namespace this workspace last connected with. */
  'cluster:contexts': { request: None, response: {} as ClusterContexts },
  /** Opens the system's file dialog in main; the file chosen becomes this workspace's kubeconfig (undefined: cancelled). */
  'cluster:choose-kubeconfig': { request: None, response: {} as { path?: string } },
  /** Back to KUBECONFIG / ~/.kube/config for this workspace. */
  'cluster:use-default-kubeconfig': { request: None, response: {} as { ok: true } },
  'cluster:connect': { request: z.object({ context: z.string().min(1).optional(), namespace: labelNameSchema('a namespace name').optional() }).strict(), response: {} as ClusterConnectionReport },
  'cluster:disconnect': { request: None, response: {} as { ok: true } },
  'cluster:plan': { request: None, response: {} as ClusterPlan },
  'cluster:push': { request: z.object({ force: z.union([z.literal(true), z.array(ClusterObjectRefSchema)]).optional() }).strict(), response: {} as ClusterPushReport },
  'cluster:prune-candidates': { request: None, response: {} as ClusterPruneCandidate[] },
  'cluster:prune': { request: z.object({ candidates: z.array(z.object({ ref: ClusterObjectRefSchema, label: z.string(), uid: z.string().optional(), resourceVersion: z.string().optional() }).strict()), confirm: z.literal(true) }).strict(), response: {} as { label: string; outcome: 'deleted' | 'gone' | 'failed'; message?: string }[] },
  'cluster:export': { request: z.object({ includeSecretValues: z.boolean().default(false) }).strict(), response: {} as ClusterExport },
  'cluster:import-application': { request: z.object({ name: labelNameSchema('an Application name'), secretNamespace: labelNameSchema('a namespace name').default('kyma-integration') }).strict(), response: {} as SaveResult },
  /** Fetches one token with the saved service's OAuth settings and vault secret; errors name the token URL and status. */
  'security:fetch-token': { request: z.object({ service: ResourceName, environment: z.enum(['production', 'sandbox']) }).strict(), response: {} as FetchTokenResult },
  /** Checks PEM certificate and key before they go to the vault: the key must match, the certificate be valid now. */
  'security:check-certificate': { request: z.object({ crt: z.string().min(1).max(1_000_000), key: z.string().min(1).max(1_000_000) }).strict(), response: {} as CertificateCheck },
  /** Checks PEM CA certificates before they go to the vault, as the gateway reads a CA bundle: every block readable. */
  'security:check-ca': { request: z.object({ pem: z.string().min(1).max(1_000_000) }).strict(), response: {} as { certificates: number } },
  'secrets:list': { request: None, response: {} as SecretSummary[] },
  'secrets:set': { request: SecretRefRequest.extend({ data: z.record(SecretKeyName, SecretValue) }).strict(), response: {} as SaveResult },
  /**
   * Changes some keys of a secret (SecretUpdateRequest), outside any workspace save (the Secrets screen). With
   * `createOnly` (a new secret) it is refused, nothing written, when the vault holds one by that name and namespace.
   */
  'secrets:update': { request: SecretUpdateRequest.extend({ createOnly: z.literal(true).optional() }).strict(), response: {} as SaveResult },
  'secrets:delete': { request: SecretRefRequest, response: {} as { ok: true } },
  'secrets:reveal': { request: SecretRefRequest.extend({ key: SecretKeyName }).strict(), response: {} as { value: string } },
  'vault:status': { request: None, response: {} as VaultStatus },
  'vault:use-session-only': { request: None, response: {} as VaultStatus },
  'gateway:status': { request: None, response: {} as GatewayStatus },
  'gateway:restart': { request: None, response: {} as GatewayStatus },
  'tryit:send': { request: TryItRequest, response: {} as TryItResponse },
  /** Writes the last Try it response body, as received, to a file the user picks in main's save dialog. */
  'tryit:save-body': { request: None, response: {} as SaveFileResult },
  'traffic:list': { request: None, response: {} as TrafficList },
  /** One exchange, both hops, credentials masked. */
  'traffic:get': { request: z.object({ id: z.number().int().positive() }).strict(), response: {} as CapturedExchange },
  'traffic:clear': { request: None, response: {} as TrafficList },
  /** Pauses (false) or resumes (true) capture in the gateway. */
  'traffic:capture': { request: z.object({ on: z.boolean() }).strict(), response: {} as TrafficList },
  /**
   * HAR 1.2 of the given exchanges (all when `ids` is absent) to a file the user picks. Credentials stay masked
   * unless `includeCredentials` (the renderer asks only after warning the user); either way they never cross to the renderer.
   */
  'traffic:export-har': {
    request: z.object({ ids: z.array(z.number().int().positive()).max(5000).optional(), includeCredentials: z.boolean().default(false) }).strict(),
    response: {} as SaveFileResult & { entries?: number },
  },
} as const;

export type Channel = keyof typeof channels;
export type RequestOf<C extends Channel> = z.input<(typeof channels)[C]['request']>;
export type ResponseOf<C extends Channel> = (typeof channels)[C]['response'];

/** Events main pushes to the renderer. */
export interface MainEvents {
  'gateway-status': GatewayStatus;
  /** Captured exchanges' rows (new, or a streaming one's progress). */
  exchanges: TrafficUpdate;
  /** Lines the gateway logged about upstream connections (an upstream's bytes after its answer), checked by main. */
  'connection-notices': ConnectionNoticesUpdate;
  /** The saved workspace, after any save (the renderer's own, an import, the cluster screen remembering a context) and after another program changed the file. */
  workspace: RevisedWorkspace;
  /** The workspace file changed outside the app, or a save or restore read or wrote it: what the file now holds against what the app runs. */
  'workspace-file': WorkspaceFileState;
  /** An app-menu command (its accelerator may never reach the page as a key press). */
  'menu-command': MenuCommand;
}

/** What the app menu asks the renderer to do: submit the open form, or open the Import screen. */
export type MenuCommand = 'save' | 'import';
export type MainEvent = keyof MainEvents;
export const MAIN_EVENTS: readonly MainEvent[] = ['gateway-status', 'workspace', 'workspace-file', 'menu-command', 'exchanges', 'connection-notices'];

/** What the preload exposes as `window.gatehouse`: nothing more than the contract. */
export interface GatehouseApi {
  invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>;
  on<E extends MainEvent>(event: E, listener: (payload: MainEvents[E]) => void): () => void;
}

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && Object.hasOwn(channels, value);
}

export interface IpcFailure extends GatehouseFailure {
  /** Field-level problems, paths as in the workspace (`routes[2].methods[0]`) or the request (`request.path`). */
  errors?: FieldError[];
}

/** What crosses the IPC boundary for every invoke: failures are data, not thrown Electron errors. */
export type IpcEnvelope<T> = { ok: true; value: T } | { ok: false; error: IpcFailure };
