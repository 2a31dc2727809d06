import type { GatewayMessage, SupervisorMessage } from './protocol';

export interface ParentChannel {
  send(message: GatewayMessage): void;
  onMessage(listener: (message: SupervisorMessage) => void): void;
  onParentGone(listener: () => void): void;
}

interface ElectronParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

/** The link to the supervisor: Electron's `process.parentPort` in a utilityProcess, Node's IPC under `fork`. */
export function connectToParent(): ParentChannel | undefined {
  const parentPort = (process as unknown as { parentPort?: ElectronParentPort }).parentPort;
  if (parentPort) {
    return {
      send: (message) => parentPort.postMessage(message),
      onMessage: (listener) => parentPort.on('message', (event) => listener(event.data as SupervisorMessage)),
      // Electron kills utility processes with their parent.
      onParentGone: () => undefined,
    };
  }
  if (process.send) {
    return {
      send: (message) => process.send?.(message),
      onMessage: (listener) => process.on('message', (message) => listener(message as SupervisorMessage)),
      onParentGone: (listener) => process.on('disconnect', listener),
    };
  }
  return undefined;
}
