import { app, utilityProcess } from 'electron';
import type { GatewayProcess } from '../services/gateway-supervisor/gateway-process';
import type { GatewayMessage } from '../../gateway/process/protocol';

/** The gateway as an Electron utilityProcess (runAsNode is fused off, so no child_process.fork of Electron). */
export function forkUtilityGateway(entry: string): GatewayProcess {
  const child = utilityProcess.fork(entry, [], { serviceName: 'Gatehouse Gateway', stdio: 'inherit' });
  let exited = false;
  const listeners: ((reason: string) => void)[] = [];
  // 'exit' and 'child-process-gone' may both report one death: only the first counts.
  const finish = (reason: string) => {
    if (exited) return;
    exited = true;
    app.off('child-process-gone', onGone);
    for (const l of listeners) l(reason);
  };
  const onGone = (_event: unknown, details: { type: string; reason: string; exitCode: number; name?: string; serviceName?: string }) => {
    if (details.type === 'Utility' && (details.serviceName ?? details.name) === 'Gatehouse Gateway' && child.pid === undefined) {
      finish(`gone (${details.reason}, code ${details.exitCode})`);
    }
  };
  app.on('child-process-gone', onGone);
  child.on('exit', (code) => finish(`exited with code ${code}`));
  return {
    get pid() {
      return child.pid;
    },
    send: (message) => child.postMessage(message),
    onMessage: (listener) => child.on('message', (message: unknown) => listener(message as GatewayMessage)),
    onExit: (listener) => listeners.push(listener),
    kill: () => void child.kill(),
  };
}
