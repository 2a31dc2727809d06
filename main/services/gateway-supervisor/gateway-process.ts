import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { GatewayMessage, SupervisorMessage } from '../../../gateway/process/protocol';
import { GATEWAY_PROCESS_ENV } from '../../../gateway/process/process-environment';

/** The supervisor's view of a gateway process, whichever way it was started. */
export interface GatewayProcess {
  readonly pid: number | undefined;
  send(message: SupervisorMessage): void;
  onMessage(listener: (message: GatewayMessage) => void): void;
  /** Called once, with a reason, however the process ended. */
  onExit(listener: (reason: string) => void): void;
  kill(): void;
}

export type SpawnGatewayProcess = () => GatewayProcess;

const SOURCE_ENTRY = fileURLToPath(new URL('../../../gateway/process/entry.ts', import.meta.url));

/** `child_process.fork` of the gateway entry: plain Node (tests, headless); TypeScript sources run through tsx. */
export function forkGatewayProcess(entry = SOURCE_ENTRY): GatewayProcess {
  if (!existsSync(entry)) throw new Error(`gateway entry ${entry} not found`);
  const child = fork(entry, [], {
    // No V8 options: the built entry sets its own once loaded (gateway/process/v8-flags.ts).
    execArgv: entry.endsWith('.ts') ? ['--import', 'tsx'] : [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // The gateway needs nothing from our environment; above all it must not inherit secrets kept there.
    env: { PATH: process.env.PATH ?? '', NODE_ENV: process.env.NODE_ENV ?? 'production', ...GATEWAY_PROCESS_ENV },
  });
  return gatewayProcessOf(child);
}

/** The supervisor's view of a forked gateway process (its IPC channel open). */
export function gatewayProcessOf(child: ChildProcess): GatewayProcess {
  let exited = false;
  const exitListeners: ((reason: string) => void)[] = [];
  const finish = (reason: string) => {
    if (exited) return;
    exited = true;
    for (const l of exitListeners) l(reason);
  };
  child.once('exit', (code, signal) => finish(signal ? `killed by ${signal}` : `exited with code ${code}`));
  child.once('error', (error) => finish(`failed to start: ${error.message}`));
  return {
    get pid() {
      return child.pid;
    },
    send: (message) => {
      if (child.connected) child.send(message);
    },
    onMessage: (listener) => child.on('message', (m) => listener(m as GatewayMessage)),
    onExit: (listener) => exitListeners.push(listener),
    kill: () => child.kill('SIGKILL'),
  };
}
