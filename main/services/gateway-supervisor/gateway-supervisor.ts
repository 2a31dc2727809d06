import { EventEmitter } from 'node:events';
import type { GatewayStatus, ServedConfig } from './gateway-status';
import type { RequestLogEntry } from '../../../gateway/log/request-log';
import type { ConnectionLogEntry } from '../../../gateway/log/connection-log';
import type { FieldError } from '../../../gateway/config/validate';
import type { LeftOutItem } from '../../../gateway/config/left-out-item';
import type { GatewayMessage, SecretBundle } from '../../../gateway/process/protocol';
import type { ClusterAccess } from '../../../gateway/cluster/cluster-access';
import type { GatewayProcess, SpawnGatewayProcess } from './gateway-process';
import type { CapturedExchange, ExchangeCredentials } from '../../../gateway/capture/exchange';
import { GatehouseError } from '../../../gateway/errors/gatehouse-error';

export interface SupervisorOptions {
  spawn: SpawnGatewayProcess;
  /** The secrets a workspace needs, read fresh from the vault for each start or reload. */
  collectSecrets: (workspace: unknown) => Promise<SecretBundle>;
  /** The connected cluster, for serviceInfo backends; read at each start and reload. */
  clusterAccess?: () => Promise<ClusterAccess | undefined>;
  port?: number;
  host?: string;
  /** How long a gateway has to start, and to answer a reload before it is killed as hung (default 15 s). */
  startTimeoutMs?: number;
  /** How long a reload goes unanswered before the status says so (`unansweredReload`; default 2 s). */
  notAnsweringAfterMs?: number;
  backoff?: { initialMs: number; maxMs: number };
}

export interface SupervisorEvents {
  status: [GatewayStatus];
  traffic: [RequestLogEntry];
  /** A line about an upstream connection rather than a request (an upstream's bytes after its answer), as the gateway sent it. */
  connection: [ConnectionLogEntry];
  /** `generation` counts gateway processes: exchange ids restart with each one. */
  exchange: [exchange: CapturedExchange, credentials: ExchangeCredentials, generation: number];
}

/** The gateway process did not come up: the reason it gave (a busy port, say), or that it timed out or exited. */
export class GatewayStartError extends GatehouseError {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'GatewayStartError';
  }
}

/** A launch that gave up because the gateway was stopped, or launched again, while it read the secrets. */
const START_CANCELLED = 'GATEHOUSE_GATEWAY_START_CANCELLED';

/** A launch that could not read the secrets its workspace needs (the keychain locked or gone): nothing was spawned. */
const SECRETS_UNREADABLE = 'GATEHOUSE_GATEWAY_SECRETS_UNREADABLE';

/** A duration as the status says it: "15 s", or "500 ms" when it is no whole number of seconds. */
function duration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** How often, at most, a change of the in-flight count alone is told to the status bar. */
const IN_FLIGHT_EVENT_MS = 100;

/**
 * `superseded`: a later workspace was asked for before this one was sent, and is applied instead; it decides the
 * status.
 */
type ReloadResult = { ok: true; leftOut: LeftOutItem[]; superseded?: true } | { ok: false; errors: FieldError[] };
type ReloadWaiter = (result: ReloadResult) => void;

/** Keeps one gateway process running the current workspace; restarts it with backoff when it dies. */
export class GatewaySupervisor extends EventEmitter<SupervisorEvents> {
  #status: GatewayStatus = { state: 'stopped', restarts: 0, inFlight: 0, served: { config: 'saved', leftOut: [] } };
  #process: GatewayProcess | undefined;
  /**
   * The last workspace asked for (start, reload): what the app has saved. The status says 'saved' only while the
   * running gateway serves this very workspace.
   */
  #requested: unknown;
  /** What the running gateway serves: the workspace its start carried, or its last accepted reload. */
  #served: unknown;
  /** The last workspace a gateway accepted: what a (re)start falls back to while the requested one is refused. */
  #accepted: unknown;
  /** The requested workspace, once a gateway refused it as a whole; `#refusal` says why. */
  #refused: unknown;
  #refusal: FieldError[] = [];
  /**
   * Reloads go one after another, in the order asked, each reading its secrets in its turn: a reload whose vault
   * read was quicker cannot overtake the one before it (two quick saves left the first one served).
   */
  #applying: Promise<unknown> = Promise.resolve();
  #stopping = false;
  #restartTimer: NodeJS.Timeout | undefined;
  #backoffMs: number;
  #healthyTimer: NodeJS.Timeout | undefined;
  #reloadId = 0;
  readonly #reloads = new Map<number, ReloadWaiter>();
  #capture = false;
  #generation = 0;
  /**
   * Counts launches and stops. A launch reads the vault before it spawns, which can take a while (a keyring asking
   * to be unlocked): one that finds a stop, or a later launch, begun meanwhile gives up instead of spawning a second
   * gateway that nothing would supervise, stop, or reload.
   */
  #launches = 0;
  #inFlightTimer: NodeJS.Timeout | undefined;
  /** The gateway process this supervisor killed for not answering a reload: its exit is said as that, not as a kill. */
  #killedAsHung: GatewayProcess | undefined;

  constructor(private readonly options: SupervisorOptions) {
    super();
    this.#backoffMs = options.backoff?.initialMs ?? 250;
  }

  get #reloadTimeoutMs(): number {
    return this.options.startTimeoutMs ?? 15_000;
  }

  get status(): GatewayStatus {
    return { ...this.#status };
  }

  #setStatus(patch: Partial<GatewayStatus>): void {
    // This event carries the in-flight count too: one due for it alone is not needed.
    clearTimeout(this.#inFlightTimer);
    this.#inFlightTimer = undefined;
    this.#status = { ...this.#status, ...patch };
    this.emit('status', this.status);
  }

  /** Traffic capture for the inspector: kept across restarts; off until someone asks. */
  setCapture(on: boolean): void {
    this.#capture = on;
    this.#process?.send({ type: 'capture', on });
  }

  get capturing(): boolean {
    return this.#capture;
  }

  /**
   * Starts the gateway with `workspace`; resolves once it listens, rejects with the reason it could not. When its
   * secrets cannot be read, it tries again with backoff (the status says why) until they can, or until stop().
   */
  async start(workspace: unknown): Promise<GatewayStatus> {
    this.#request(workspace);
    this.#stopping = false;
    clearTimeout(this.#restartTimer);
    try {
      await this.#launch('starting');
    } catch (error) {
      if ((error as GatewayStartError).code === SECRETS_UNREADABLE && !this.#stopping) this.#scheduleRestart((error as Error).message, false);
      throw error;
    }
    return this.status;
  }

  #request(workspace: unknown): void {
    this.#requested = workspace;
    if (this.#refused !== workspace) this.#refused = undefined;
  }

  async #launch(state: 'starting' | 'restarting'): Promise<void> {
    const launch = ++this.#launches;
    this.#setStatus({ state, url: undefined, port: undefined, inFlight: 0, unansweredReload: undefined });
    // The saved workspace; one the gateway refused as a whole is not started with, the last accepted one is (as a
    // reload that refused it kept that one serving).
    const workspace = this.#requested === this.#refused && this.#accepted !== undefined ? this.#accepted : this.#requested;
    const cancelled = () => new GatewayStartError(START_CANCELLED, 'gateway start cancelled: the gateway was stopped or started again while its secrets were read');
    let secrets: SecretBundle;
    try {
      secrets = await this.options.collectSecrets(workspace);
    } catch (error) {
      if (launch !== this.#launches) throw cancelled();
      throw new GatewayStartError(SECRETS_UNREADABLE, `gateway not started: its secrets could not be read (${error instanceof Error ? error.message : String(error)})`);
    }
    if (launch !== this.#launches) throw cancelled();
    const child = this.options.spawn();
    this.#process = child;
    const generation = ++this.#generation;
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(() => {
        child.kill();
        settle(new GatewayStartError('GATEHOUSE_GATEWAY_START_TIMEOUT', `gateway did not start within ${this.options.startTimeoutMs ?? 15_000} ms`));
      }, this.options.startTimeoutMs ?? 15_000);
      child.onMessage((message) => this.#onMessage(child, message, settle, generation, workspace));
      child.onExit((reason) => {
        settle(new GatewayStartError('GATEHOUSE_GATEWAY_EXITED', `gateway ${reason} before it was ready`));
        this.#onExit(child, reason);
      });
      void (this.options.clusterAccess?.() ?? Promise.resolve(undefined)).then(
        (cluster) => child.send({ type: 'start', workspace, secrets, port: this.options.port, host: this.options.host, cluster, capture: this.#capture }),
        () => child.send({ type: 'start', workspace, secrets, port: this.options.port, host: this.options.host, capture: this.#capture }),
      );
    });
  }

  #onMessage(child: GatewayProcess, message: GatewayMessage, settleStart: (error?: Error) => void, generation: number, startedWith: unknown): void {
    if (child !== this.#process) return;
    switch (message.type) {
      case 'ready': {
        this.#served = startedWith;
        this.#accepted = startedWith;
        // What went wrong before (a crash, a busy port) is over once a gateway listens: the restart count keeps it.
        this.#setStatus({ state: 'running', url: message.url, port: message.port, lastError: undefined, served: this.#servedConfig(message.leftOut ?? []) });
        clearTimeout(this.#healthyTimer);
        this.#healthyTimer = setTimeout(() => (this.#backoffMs = this.options.backoff?.initialMs ?? 250), 30_000).unref();
        settleStart();
        // Saved while this gateway was starting with an earlier workspace (a save during a restart): applied now.
        if (this.#served !== this.#requested && this.#requested !== this.#refused) void this.reload(this.#requested).catch(() => undefined);
        break;
      }
      case 'in-flight':
        this.#setInFlight(message.inFlight);
        break;
      case 'traffic':
        this.#setInFlight(message.inFlight);
        for (const entry of message.entries) this.emit('traffic', entry);
        break;
      case 'connections':
        for (const entry of message.entries) this.emit('connection', entry);
        break;
      case 'exchanges':
        for (const { exchange, credentials } of message.updates) this.emit('exchange', exchange, credentials, generation);
        break;
      case 'reloaded':
        if (this.#status.unansweredReload) this.#setStatus({ unansweredReload: undefined });
        this.#reloads.get(message.id)?.(message.ok ? { ok: true, leftOut: message.leftOut ?? [] } : { ok: false, errors: message.errors ?? [] });
        this.#reloads.delete(message.id);
        break;
      case 'config-rejected':
        // It listens with nothing of the workspace it started with.
        this.#served = undefined;
        if (this.#accepted === startedWith) this.#accepted = undefined;
        this.#refused = startedWith;
        this.#refusal = message.errors;
        this.#setStatus({ lastError: `workspace not applied: ${message.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, served: { config: 'none', leftOut: [], errors: message.errors } });
        break;
      case 'fatal':
        // A start error such as a busy port will not heal by restarting.
        this.#stopping = true;
        this.#setStatus({ state: 'failed', lastError: message.message });
        settleStart(new GatewayStartError(message.code, message.message));
        break;
    }
  }

  /**
   * The gateway reports its count once a turn at most (in-flight and traffic messages). `status` has it at once;
   * the event that carries it to the status bar goes out at most every IN_FLIGHT_EVENT_MS, with the latest count,
   * rather than once a turn under load.
   */
  #setInFlight(inFlight: number): void {
    if (inFlight === this.#status.inFlight) return;
    this.#status = { ...this.#status, inFlight };
    this.#inFlightTimer ??= setTimeout(() => {
      this.#inFlightTimer = undefined;
      this.emit('status', this.status);
    }, IN_FLIGHT_EVENT_MS).unref();
  }

  #onExit(child: GatewayProcess, reason: string): void {
    if (child !== this.#process) return;
    this.#process = undefined;
    // A kill this supervisor sent to a gateway that did not answer is said as that: "killed by SIGKILL" read as if
    // something outside had killed it.
    const cause = this.#killedAsHung === child ? `the gateway did not answer a reload for ${duration(this.#reloadTimeoutMs)} and was killed` : `gateway ${reason}`;
    this.#killedAsHung = undefined;
    for (const waiter of this.#reloads.values()) waiter({ ok: false, errors: [{ path: '(gateway)', message: cause }] });
    this.#reloads.clear();
    clearTimeout(this.#healthyTimer);
    this.#served = undefined;
    if (this.#stopping) {
      if (this.#status.state !== 'failed') this.#setStatus({ state: 'stopped', url: undefined, port: undefined, inFlight: 0, unansweredReload: undefined });
      return;
    }
    this.#scheduleRestart(cause, true);
  }

  /**
   * Launches again after the backoff. A launch that cannot read its secrets spawns nothing and tries again, so a
   * keychain that comes back brings the gateway back (it had stayed "restarting" with no gateway and no retry).
   */
  #scheduleRestart(reason: string, processRestart: boolean): void {
    clearTimeout(this.#restartTimer);
    const delay = this.#backoffMs;
    this.#backoffMs = Math.min(this.#backoffMs * 2, this.options.backoff?.maxMs ?? 10_000);
    this.#setStatus({ state: 'restarting', lastError: `${reason}; restarting in ${delay} ms`, restarts: this.#status.restarts + (processRestart ? 1 : 0), url: undefined, port: undefined, inFlight: 0, unansweredReload: undefined });
    this.#restartTimer = setTimeout(() => {
      this.#launch('restarting').catch((error: Error) => {
        const code = (error as GatewayStartError).code;
        if (code === START_CANCELLED) return; // stopped, or started anew, meanwhile
        if (code === SECRETS_UNREADABLE && !this.#stopping) return this.#scheduleRestart(error.message, false);
        // A gateway that exited or hung before it was ready: its exit has scheduled the next attempt.
        if (this.#status.state !== 'failed') this.#setStatus({ lastError: error.message });
      });
    }, delay);
  }

  /** What the gateway serves, said against the saved workspace (see ServedConfig). */
  #servedConfig(leftOut: LeftOutItem[]): ServedConfig {
    if (this.#served !== undefined && this.#served === this.#requested) return { config: 'saved', leftOut };
    if (this.#requested === this.#refused) return { config: this.#served === undefined ? 'none' : 'older', leftOut, errors: this.#refusal };
    return { config: this.#served === undefined ? 'none' : 'older', leftOut, errors: [{ path: '(gateway)', message: 'the saved workspace is being applied' }] };
  }

  /**
   * Applies a new workspace to the running gateway without dropping requests. The gateway serves every item that
   * compiles (`leftOut` lists the others); a workspace it refuses as a whole leaves the previous one running, and
   * the status says so (`served.config: 'older'`) until a later one is applied. Reloads are applied in the order
   * asked; each resolves once the ones asked after it meanwhile are applied too, so that the status it leaves
   * says what the gateway serves of the latest. A gateway not running starts with the latest.
   */
  async reload(workspace: unknown): Promise<ReloadResult> {
    this.#request(workspace);
    const turn = this.#applying.then(() => this.#apply(workspace));
    this.#applying = turn.catch(() => undefined);
    const result = await turn;
    for (let queue = this.#applying; ; queue = this.#applying) {
      await queue;
      if (queue === this.#applying) return result;
    }
  }

  async #apply(workspace: unknown): Promise<ReloadResult> {
    if (workspace !== this.#requested) return { ok: true, leftOut: [], superseded: true };
    const child = this.#process;
    // Not running: the start or restart under way, or the next one, starts with the requested workspace; one that
    // already started with an earlier workspace applies this one once it is ready.
    if (!child || this.#status.state !== 'running') return { ok: true, leftOut: [] };
    let secrets: SecretBundle;
    try {
      secrets = await this.options.collectSecrets(workspace);
    } catch (error) {
      if (workspace === this.#requested) this.#servesOlder([{ path: '(vault)', message: `not applied to the gateway, which keeps its current workspace: ${error instanceof Error ? error.message : String(error)}` }]);
      throw error;
    }
    const cluster = this.options.clusterAccess ? ((await this.options.clusterAccess().catch(() => undefined)) ?? null) : undefined;
    if (workspace !== this.#requested) return { ok: true, leftOut: [], superseded: true };
    // The gateway died while the secrets were read: its restart starts with this workspace.
    if (this.#process !== child || this.#status.state !== 'running') return { ok: true, leftOut: [] };
    const id = ++this.#reloadId;
    const result = await new Promise<ReloadResult>((resolve) => {
      // A reload unanswered for a while is said in the status (a gateway stopped or busy is not green "running"); one
      // unanswered within the time a gateway has to start is hung: it is killed, and its exit answers this reload
      // and restarts it (with this workspace), rather than holding every later save.
      const sentAt = Date.now();
      const silent = setTimeout(() => this.#reloads.has(id) && this.#setStatus({ unansweredReload: { sentAt } }), this.options.notAnsweringAfterMs ?? 2000);
      const hung = setTimeout(() => {
        if (!this.#reloads.has(id)) return;
        this.#killedAsHung = child;
        child.kill();
      }, this.#reloadTimeoutMs);
      this.#reloads.set(id, (answer) => {
        clearTimeout(silent);
        clearTimeout(hung);
        resolve(answer);
      });
      child.send({ type: 'reload', id, workspace, secrets, cluster });
    });
    // A gateway that exited before it answered refused nothing: its restart starts with this workspace.
    if (this.#process !== child) return result;
    if (result.ok) {
      this.#served = workspace;
      this.#accepted = workspace;
    } else {
      this.#refused = workspace;
      this.#refusal = result.errors;
    }
    if (workspace !== this.#requested) return result; // asked for again meanwhile: a later turn decides the status
    const leftOut = result.ok ? result.leftOut : this.#status.served.leftOut;
    this.#setStatus({ served: this.#servedConfig(leftOut), ...(result.ok && this.#status.lastError ? { lastError: undefined } : {}) });
    return result;
  }

  #servesOlder(errors: FieldError[]): void {
    this.#setStatus({ served: { config: this.#status.served.config === 'none' ? 'none' : 'older', leftOut: this.#status.served.leftOut, errors } });
  }

  /** Stops the gateway: asks politely, then kills; no orphan survives. */
  async stop(timeoutMs = 3000): Promise<void> {
    this.#stopping = true;
    this.#launches += 1; // a launch still reading secrets gives up
    clearTimeout(this.#restartTimer);
    clearTimeout(this.#healthyTimer);
    const child = this.#process;
    if (!child) {
      if (this.#status.state !== 'failed') this.#setStatus({ state: 'stopped', url: undefined, port: undefined });
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill(), timeoutMs);
      child.onExit(() => {
        clearTimeout(timer);
        resolve();
      });
      child.send({ type: 'stop' });
    });
  }
}
