import { EventEmitter } from 'node:events';
import type { GatewayStatus } from './gateway-status';
import type { RequestLogEntry } from '../../../gateway/log/request-log';
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
  startTimeoutMs?: number;
  backoff?: { initialMs: number; maxMs: number };
}

export interface SupervisorEvents {
  status: [GatewayStatus];
  traffic: [RequestLogEntry];
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

/** How often, at most, a change of the in-flight count alone is told to the status bar. */
const IN_FLIGHT_EVENT_MS = 100;

type ReloadResult = { ok: true; leftOut: LeftOutItem[] } | { ok: false; errors: FieldError[] };
type ReloadWaiter = (result: ReloadResult) => void;

/** Keeps one gateway process running the current workspace; restarts it with backoff when it dies. */
export class GatewaySupervisor extends EventEmitter<SupervisorEvents> {
  #status: GatewayStatus = { state: 'stopped', restarts: 0, inFlight: 0, served: { config: 'saved', leftOut: [] } };
  #process: GatewayProcess | undefined;
  /** The workspace the gateway runs (or will start with). */
  #workspace: unknown;
  /** The last workspace asked for: differs from #workspace while the gateway refuses it. */
  #requested: unknown;
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

  constructor(private readonly options: SupervisorOptions) {
    super();
    this.#backoffMs = options.backoff?.initialMs ?? 250;
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

  /** Starts the gateway with `workspace`; resolves once it listens, rejects with the reason it could not. */
  async start(workspace: unknown): Promise<GatewayStatus> {
    this.#workspace = workspace;
    this.#requested = workspace;
    this.#stopping = false;
    await this.#launch('starting');
    return this.status;
  }

  async #launch(state: 'starting' | 'restarting'): Promise<void> {
    const launch = ++this.#launches;
    this.#setStatus({ state, url: undefined, port: undefined, inFlight: 0 });
    const secrets = await this.options.collectSecrets(this.#workspace);
    if (launch !== this.#launches) throw new GatewayStartError(START_CANCELLED, 'gateway start cancelled: the gateway was stopped or started again while its secrets were read');
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
      child.onMessage((message) => this.#onMessage(child, message, settle, generation));
      child.onExit((reason) => {
        settle(new GatewayStartError('GATEHOUSE_GATEWAY_EXITED', `gateway ${reason} before it was ready`));
        this.#onExit(child, reason);
      });
      void (this.options.clusterAccess?.() ?? Promise.resolve(undefined)).then(
        (cluster) => child.send({ type: 'start', workspace: this.#workspace, secrets, port: this.options.port, host: this.options.host, cluster, capture: this.#capture }),
        () => child.send({ type: 'start', workspace: this.#workspace, secrets, port: this.options.port, host: this.options.host, capture: this.#capture }),
      );
    });
  }

  #onMessage(child: GatewayProcess, message: GatewayMessage, settleStart: (error?: Error) => void, generation: number): void {
    if (child !== this.#process) return;
    switch (message.type) {
      case 'ready': {
        const served = this.#workspace === this.#requested ? { config: 'saved' as const, leftOut: message.leftOut ?? [] } : { ...this.#status.served, leftOut: message.leftOut ?? [] };
        // What went wrong before (a crash, a busy port) is over once a gateway listens: the restart count keeps it.
        this.#setStatus({ state: 'running', url: message.url, port: message.port, lastError: undefined, served });
        clearTimeout(this.#healthyTimer);
        this.#healthyTimer = setTimeout(() => (this.#backoffMs = this.options.backoff?.initialMs ?? 250), 30_000).unref();
        settleStart();
        break;
      }
      case 'in-flight':
        this.#setInFlight(message.inFlight);
        break;
      case 'traffic':
        this.#setInFlight(message.inFlight);
        for (const entry of message.entries) this.emit('traffic', entry);
        break;
      case 'exchanges':
        for (const { exchange, credentials } of message.updates) this.emit('exchange', exchange, credentials, generation);
        break;
      case 'reloaded':
        this.#reloads.get(message.id)?.(message.ok ? { ok: true, leftOut: message.leftOut ?? [] } : { ok: false, errors: message.errors ?? [] });
        this.#reloads.delete(message.id);
        break;
      case 'config-rejected':
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
    for (const waiter of this.#reloads.values()) waiter({ ok: false, errors: [{ path: '(gateway)', message: `gateway ${reason}` }] });
    this.#reloads.clear();
    clearTimeout(this.#healthyTimer);
    if (this.#stopping) {
      if (this.#status.state !== 'failed') this.#setStatus({ state: 'stopped', url: undefined, port: undefined, inFlight: 0 });
      return;
    }
    const delay = this.#backoffMs;
    this.#backoffMs = Math.min(this.#backoffMs * 2, this.options.backoff?.maxMs ?? 10_000);
    this.#setStatus({ state: 'restarting', lastError: `gateway ${reason}; restarting in ${delay} ms`, restarts: this.#status.restarts + 1, url: undefined, port: undefined, inFlight: 0 });
    this.#restartTimer = setTimeout(() => {
      this.#launch('restarting').catch((error: Error) => {
        if ((error as GatewayStartError).code === START_CANCELLED) return; // stopped, or started anew, meanwhile
        if (this.#status.state !== 'failed') this.#setStatus({ lastError: error.message });
      });
    }, delay);
  }

  /**
   * Applies a new workspace to the running gateway without dropping requests. The gateway serves every item that
   * compiles (`leftOut` lists the others); a workspace it refuses as a whole leaves the previous one running, and
   * the status says so (`served.config: 'older'`) until a later one is applied.
   */
  async reload(workspace: unknown): Promise<ReloadResult> {
    this.#requested = workspace;
    const child = this.#process;
    if (!child || this.#status.state !== 'running') {
      // Started (or restarted) with it: the status says what it serves once it is ready.
      this.#workspace = workspace;
      return { ok: true, leftOut: [] };
    }
    let secrets: SecretBundle;
    try {
      secrets = await this.options.collectSecrets(workspace);
    } catch (error) {
      this.#servesOlder([{ path: '(vault)', message: `not applied to the gateway, which keeps its current workspace: ${error instanceof Error ? error.message : String(error)}` }]);
      throw error;
    }
    const cluster = this.options.clusterAccess ? ((await this.options.clusterAccess().catch(() => undefined)) ?? null) : undefined;
    const id = ++this.#reloadId;
    const result = await new Promise<ReloadResult>((resolve) => {
      this.#reloads.set(id, resolve);
      child.send({ type: 'reload', id, workspace, secrets, cluster });
    });
    if (this.#requested !== workspace) return result; // a later reload decides what the status says
    if (result.ok) {
      this.#workspace = workspace;
      this.#setStatus({ served: { config: 'saved', leftOut: result.leftOut }, ...(this.#status.lastError ? { lastError: undefined } : {}) });
    } else {
      this.#servesOlder(result.errors);
    }
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
