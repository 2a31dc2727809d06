// The app's main-side services as the renderer reaches them (IPC channels through `dispatch`), with a real forked
// gateway and, when a test asks, a real keychain it can take away or slow down: what the app says, next to what
// its gateway does.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppServices, type AppServices, type AppServicesOptions } from '../../main/app/app-services';
import { forkGatewayProcess, type GatewayProcess } from '../../main/services/gateway-supervisor/gateway-process';
import { loadKeytar, type KeytarModule } from '../../main/services/vault/keytar-module';
import { builtGatewayEntry } from './built-gateway';
import type { GatewayStatus, IpcEnvelope, MainEvent, MainEvents } from '../../main/ipc/contract';

export interface AppHarness {
  app: AppServices;
  dataDir: string;
  /** Every gateway process the app started, in order. */
  spawned: GatewayProcess[];
  /** Every gateway status event, in order. */
  statuses: GatewayStatus[];
  call<T>(channel: string, payload?: unknown): Promise<T>;
  failure(channel: string, payload?: unknown): Promise<{ code: string; message: string }>;
  shutdown(): Promise<void>;
}

export interface AppHarnessOptions extends Pick<AppServicesOptions, 'watchWorkspaceFile'> {
  loadKeytar?: () => Promise<KeytarModule>;
  keychainService?: string;
  /** Start the gateway before returning (default true). */
  start?: boolean;
}

export async function startAppHarness(options: AppHarnessOptions = {}): Promise<AppHarness> {
  const entry = await builtGatewayEntry();
  const dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-app-'));
  const spawned: GatewayProcess[] = [];
  const { start = true, ...extra } = options;
  const app = await createAppServices({
    dataDir,
    gatewayPort: 0,
    spawnGateway: () => {
      const p = forkGatewayProcess(entry);
      spawned.push(p);
      return p;
    },
    ...extra,
  });
  const statuses: GatewayStatus[] = [];
  app.onEvent(<E extends MainEvent>(event: E, payload: MainEvents[E]) => {
    if (event === 'gateway-status') statuses.push(payload as GatewayStatus);
  });
  if (start) await app.startGateway();
  const call = async <T,>(channel: string, payload?: unknown): Promise<T> => {
    const envelope = (await app.dispatch(channel, payload)) as IpcEnvelope<T>;
    if (!envelope.ok) throw Object.assign(new Error(`${envelope.error.code}: ${envelope.error.message}`), envelope.error);
    return envelope.value;
  };
  const failure = async (channel: string, payload?: unknown) => {
    const envelope = await app.dispatch(channel, payload);
    if (envelope.ok) throw new Error(`${channel} succeeded: ${JSON.stringify(envelope.value)}`);
    return envelope.error;
  };
  const shutdown = async () => {
    await app.shutdown();
    await rm(dataDir, { recursive: true, force: true });
  };
  return { app, dataDir, spawned, statuses, call, failure, shutdown };
}

/**
 * The real keytar, wrapped: while `gone`, every call fails the way keytar does when the Secret Service
 * (gnome-keyring) disappears or the D-Bus session ends under a running app; `hold()` makes the next calls wait until
 * released, as a keyring asking to be unlocked does.
 */
export class SwitchableKeychain {
  gone = false;
  #held: Promise<void> | undefined;
  #release: (() => void) | undefined;
  #onHeldCall: (() => void) | undefined;

  async module(): Promise<KeytarModule> {
    const real = await loadKeytar();
    const guard = <A extends unknown[], R>(fn: (...args: A) => Promise<R>) => async (...args: A): Promise<R> => {
      if (this.#held) this.#onHeldCall?.();
      await this.#held;
      if (this.gone) throw new Error('Cannot autolaunch D-Bus without X11 $DISPLAY');
      return fn(...args);
    };
    return {
      getPassword: guard((s: string, a: string) => real.getPassword(s, a)),
      setPassword: guard((s: string, a: string, p: string) => real.setPassword(s, a, p)),
      deletePassword: guard((s: string, a: string) => real.deletePassword(s, a)),
      findCredentials: guard((s: string) => real.findCredentials(s)),
    };
  }

  /** Holds every call from now on; resolves when the first one comes in and waits. */
  hold(): Promise<void> {
    this.#held ??= new Promise((resolve) => (this.#release = resolve));
    return new Promise((resolve) => (this.#onHeldCall = resolve));
  }

  release(): void {
    this.#release?.();
    this.#held = undefined;
    this.#release = undefined;
    this.#onHeldCall = undefined;
  }
}
