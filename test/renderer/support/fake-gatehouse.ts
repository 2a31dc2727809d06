// An in-memory `window.gatehouse` for the COMPONENT TESTS ONLY (jsdom). It is not the app's main side:
// the browser tests (test/browser) drive the real services. It validates workspaces with the real zod
// schema and requests with the contract's schemas, so the field paths the renderer sees are real ones.
import { Workspace } from '../../../gateway/config/schema';
import { secretNameTaken } from '../../../gateway/config/secret-names';
import { toFieldErrors, validateWith, type FieldError } from '../../../gateway/config/validate';
import {
  SaveOnRevision,
  gatewayDownReason,
  channels,
  type Channel,
  type GatehouseApi,
  type GatewayStatus,
  type MainEvent,
  type MainEvents,
  type RequestOf,
  type ResponseOf,
  type SaveResult,
  type ServedConfig,
  type TryItResponse,
  type VaultStatus,
  type BodyPreview,
  type CapturedExchange,
} from '../../../main/ipc/contract';
import { summarizeExchange } from '../../../gateway/capture/exchange';

/** A complete body as the gateway and main describe one. */
export function textBody(text: string, contentType?: string): BodyPreview {
  const bytes = Buffer.from(text, 'utf8');
  const kind = bytes.length === 0 ? 'empty' : contentType && /json/.test(contentType) ? 'json' : 'text';
  return { size: bytes.length, base64: bytes.toString('base64'), truncated: false, complete: true, kind, ...(contentType ? { contentType } : {}) };
}

export interface FakeCall {
  channel: Channel;
  request: unknown;
}

const MASK = '••••••••';

const id = (r: { name: string; namespace?: string }) => (r.namespace ? `${r.namespace}/${r.name}` : r.name);

export function failure(code: string, message: string, errors?: FieldError[]): Error {
  return Object.assign(new Error(message), { code, message, errors });
}

export class FakeGatehouse implements GatehouseApi {
  workspace: Workspace;
  readonly secrets = new Map<string, Record<string, string>>();
  readonly calls: FakeCall[] = [];
  vault: VaultStatus = { mode: 'keychain' };
  /** What tryit:send fails with instead of answering (main's failure for an unanswered request, say). */
  tryItFailure: Error | undefined = undefined;
  tryItResponse: TryItResponse = { status: 200, headers: [['content-type', 'application/json']], body: textBody('{"ok":true}', 'application/json'), durationMs: 3 };
  /** Captured exchanges main would keep; `pushExchange` adds one and sends its row as main does. */
  readonly exchanges = new Map<number, CapturedExchange>();
  capturing = true;
  gateway: GatewayStatus = { state: 'running', url: 'http://127.0.0.1:9080', port: 9080, restarts: 0, inFlight: 0, served: { config: 'saved', leftOut: [] } };
  /**
   * When set, what the next secret write fails with (main refusing a value), instead of storing it: a `secrets:update`,
   * or a secret a `workspace:save` carries (then named `secrets[i]`, and nothing of that save is kept, as in main).
   */
  refuseNextSecretUpdate: Error | undefined;
  /** When set, the next `workspace:save` answers as main does for a workspace it refuses. */
  refuseNextSave: FieldError[] | undefined;
  /** Why the workspace file could not be read, as main reports it on `workspace:get`. */
  problem: string | undefined;
  backupAvailable = false;
  /** When set, what the gateway serves after each save (an older configuration, items left out). */
  servedAfterSave: ServedConfig | undefined;
  /** Answers of the channels whose real work happens in main (tokens, certificates, imports, cluster): set per test. */
  fetchTokenAnswer: ResponseOf<'security:fetch-token'> | Error = { ok: true, expiresInSeconds: 3599, tokenType: 'Bearer' };
  certificateAnswer: ResponseOf<'security:check-certificate'> | Error = { subject: 'CN=client', issuer: 'CN=Test CA', validFrom: '2025-01-01T00:00:00.000Z', validTo: '2030-01-01T00:00:00.000Z', fingerprint256: 'AA:BB' };
  caAnswer: ResponseOf<'security:check-ca'> | Error = { certificates: 1 };
  importPreview: ResponseOf<'import:preview'> = { services: [], routes: [], consumers: [], applications: [], secrets: [], notes: [] };
  /** What `import:apply` merges into the workspace (and which secrets it stores). */
  importResult: { workspace?: unknown; secrets?: { name: string; namespace?: string; data: Record<string, string> }[]; notes?: string[] } = {};
  exportText = '{"services":[]}';
  /** Other channels answer with what is set here. */
  answers: Partial<Record<Channel, unknown>> = {};
  readonly #listeners = new Map<MainEvent, Set<(payload: never) => void>>();

  constructor(workspace: unknown = {}) {
    this.workspace = Workspace.parse(workspace);
  }

  pushExchange(exchange: CapturedExchange): void {
    this.exchanges.set(exchange.id, exchange);
    this.emit('exchanges', { summaries: [summarizeExchange(exchange)], kept: this.exchanges.size, dropped: 0 });
  }

  #trafficList() {
    return { exchanges: [...this.exchanges.values()].reverse().map(summarizeExchange), kept: this.exchanges.size, dropped: 0, capturing: this.capturing, notices: [] };
  }

  /** The requests sent on `channel`; for `workspace:save`, the workspace sent (basedOnOfSaves() has the revisions). */
  callsOf(channel: Channel): unknown[] {
    const requests = this.calls.filter((c) => c.channel === channel).map((c) => c.request);
    return channel === 'workspace:save' ? requests.map((r) => (SaveOnRevision.safeParse(r).success ? (r as SaveOnRevision).workspace : r)) : requests;
  }

  /** Every secret write asked for, in order: `secrets:update`s and the secrets `workspace:save`s carried. */
  secretWrites(): unknown[] {
    return this.calls.flatMap((c) => (c.channel === 'secrets:update' ? [c.request] : c.channel === 'workspace:save' ? ((c.request as { secrets?: unknown[] }).secrets ?? []) : []));
  }

  /** The revision each `workspace:save` named (undefined for a bare workspace). */
  basedOnOfSaves(): (string | undefined)[] {
    return this.calls.filter((c) => c.channel === 'workspace:save').map((c) => (SaveOnRevision.safeParse(c.request).success ? (c.request as SaveOnRevision).basedOn : undefined));
  }

  /** The file's revision, as main counts them: a new one with every save. */
  revision = 'rev-1';

  emit<E extends MainEvent>(event: E, payload: MainEvents[E]): void {
    for (const listener of this.#listeners.get(event) ?? []) (listener as (p: MainEvents[E]) => void)(payload);
  }

  on<E extends MainEvent>(event: E, listener: (payload: MainEvents[E]) => void): () => void {
    const set = this.#listeners.get(event) ?? new Set();
    set.add(listener as (payload: never) => void);
    this.#listeners.set(event, set);
    return () => set.delete(listener as (payload: never) => void);
  }

  async invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
    this.calls.push({ channel, request: structuredClone(request) });
    const parsed = channels[channel].request.safeParse(request);
    // As main's dispatcher reports it: field paths under `request`.
    if (!parsed.success) throw failure('GATEHOUSE_INVALID_REQUEST', `invalid request on ${channel}`, toFieldErrors(parsed.error, request).map((e) => ({ ...e, path: e.path === '(root)' ? 'request' : `request.${e.path}` })));
    return (await this.#handle(channel, parsed.data)) as ResponseOf<C>;
  }

  /** A save's answer, as main gives it: what is saved and what the gateway serves. */
  #saved(): SaveResult {
    if (this.servedAfterSave) this.gateway = { ...this.gateway, served: this.servedAfterSave };
    return { ok: true, workspace: structuredClone(this.workspace), revision: this.revision, gateway: this.gateway };
  }

  /** A secret as an update leaves it, merged as main merges: kept keys stay here, never sent back. */
  #merged(update: { name: string; namespace?: string; set: Record<string, string>; remove?: string[] }): Record<string, string> {
    const data: Record<string, string> = { ...this.secrets.get(id(update)), ...update.set };
    for (const key of update.remove ?? []) if (!(key in update.set)) delete data[key];
    if (Object.keys(data).length === 0) throw failure('GATEHOUSE_INVALID_SECRET', `secret "${update.name}" would have no key left`);
    return data;
  }

  async #handle(channel: Channel, request: any): Promise<unknown> {
    switch (channel) {
      case 'workspace:get':
        return { workspace: structuredClone(this.workspace), revision: this.revision, path: '/fake/workspace.json', problem: this.problem, running: this.problem ? 'empty' : undefined, backupAvailable: this.backupAvailable };
      case 'workspace:save': {
        if (this.refuseNextSave) {
          const errors = this.refuseNextSave;
          this.refuseNextSave = undefined;
          return { ok: false, errors } satisfies SaveResult;
        }
        const onRevision = SaveOnRevision.safeParse(request);
        const result = validateWith(Workspace, onRevision.success ? onRevision.data.workspace : request);
        if (!result.ok) return { ok: false, errors: result.errors } satisfies SaveResult;
        // As main: the secrets only with a workspace it takes, all of them or none.
        const secrets = (onRevision.success ? onRevision.data.secrets : undefined) ?? [];
        const refusal = secrets.length > 0 ? this.refuseNextSecretUpdate : undefined;
        this.refuseNextSecretUpdate = undefined;
        if (refusal) throw failure((refusal as { code?: string }).code ?? 'GATEHOUSE_VAULT_FAILED', `secret "${secrets[0]!.name}" could not be written to the vault: ${refusal.message}`, [{ path: 'secrets[0]', message: refusal.message }]);
        const merged = secrets.map((update) => [id(update), this.#merged(update)] as const);
        for (const [key, data] of merged) this.secrets.set(key, data);
        this.workspace = result.value;
        this.revision = `rev-${Number(this.revision.slice(4)) + 1}`;
        return this.#saved();
      }
      case 'workspace:restore-backup':
        this.problem = undefined;
        this.workspace = Workspace.parse({ consumers: [{ username: 'from-backup' }] });
        return this.#saved();
      case 'secrets:list':
        return [...this.secrets.entries()].map(([key, data]) => {
          const [a, b] = key.split('/');
          return { name: b ?? a!, namespace: b ? a : undefined, keys: Object.keys(data).map((k) => ({ key: k, masked: MASK })) };
        });
      case 'secrets:set':
        this.secrets.set(id(request), { ...request.data });
        return this.#saved();
      case 'secrets:update': {
        const refusal = this.refuseNextSecretUpdate;
        this.refuseNextSecretUpdate = undefined;
        if (refusal) throw refusal;
        if (request.createOnly && this.secrets.has(id(request))) {
          const message = secretNameTaken(request);
          throw failure('GATEHOUSE_SECRET_EXISTS', message, [{ path: 'name', message }]);
        }
        this.secrets.set(id(request), this.#merged(request));
        return this.#saved();
      }
      case 'secrets:delete':
        this.secrets.delete(id(request));
        return { ok: true };
      case 'secrets:reveal': {
        const value = this.secrets.get(id(request))?.[request.key];
        if (value === undefined) throw failure('GATEHOUSE_NO_SUCH_SECRET', `secret "${request.name}" has no key "${request.key}"`);
        return { value };
      }
      case 'vault:status':
        return this.vault;
      case 'vault:use-session-only':
        this.vault = { mode: 'session-only', reason: 'chosen by the user: secrets are kept in memory and lost on quit' };
        return this.vault;
      case 'gateway:status':
      case 'gateway:restart':
        return this.gateway;
      case 'security:fetch-token':
      case 'security:check-certificate':
      case 'security:check-ca': {
        const answer = channel === 'security:fetch-token' ? this.fetchTokenAnswer : channel === 'security:check-ca' ? this.caAnswer : this.certificateAnswer;
        if (answer instanceof Error) throw answer;
        return answer;
      }
      case 'import:preview':
        return this.importPreview;
      case 'import:apply': {
        for (const secret of this.importResult.secrets ?? []) this.secrets.set(id(secret), { ...secret.data });
        if (this.importResult.workspace) this.workspace = Workspace.parse(this.importResult.workspace);
        return { ...this.#saved(), notes: this.importResult.notes };
      }
      case 'workspace:export':
        return { text: request.passphrase ? `gatehouse-encrypted:${this.exportText}` : this.exportText, encrypted: Boolean(request.passphrase) };
      case 'workspace:import':
        return { ok: true };
      case 'traffic:list':
        return this.#trafficList();
      case 'traffic:get': {
        const exchange = this.exchanges.get(request.id);
        if (!exchange) throw failure('GATEHOUSE_NO_SUCH_EXCHANGE', `exchange ${request.id} is no longer kept`);
        return exchange;
      }
      case 'traffic:clear':
        this.exchanges.clear();
        return this.#trafficList();
      case 'traffic:capture':
        this.capturing = request.on;
        return this.#trafficList();
        return this.#saved();
      case 'tryit:send':
        if (this.gateway.state !== 'running') throw failure('GATEHOUSE_GATEWAY_NOT_RUNNING', gatewayDownReason(this.gateway));
        if (this.tryItFailure) throw this.tryItFailure;
        return this.tryItResponse;
      default: {
        const answer = this.answers[channel];
        if (answer instanceof Error) throw answer;
        if (answer === undefined) throw failure('GATEHOUSE_NOT_FAKED', `the fake has no answer for ${channel}`);
        return typeof answer === 'function' ? (answer as (r: unknown) => unknown)(request) : answer;
      }
    }
  }
}

export function installFakeGatehouse(workspace?: unknown): FakeGatehouse {
  const fake = new FakeGatehouse(workspace);
  window.gatehouse = fake;
  return fake;
}
