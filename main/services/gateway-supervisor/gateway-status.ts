// What the supervisor knows about its gateway process. Types only, with no Node imports: the IPC contract
// hands this same shape to the renderer (`gateway:status`, the `gateway-status` event), so the two cannot
// drift, and the supervisor needs nothing from the IPC layer above it.

export type GatewayState = 'stopped' | 'starting' | 'running' | 'restarting' | 'failed';

export interface GatewayStatus {
  state: GatewayState;
  url?: string;
  port?: number;
  restarts: number;
  inFlight: number;
  lastError?: string;
}
