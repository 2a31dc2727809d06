import type { GatehouseApi } from '../../../main/ipc/contract';

declare global {
  interface Window {
    gatehouse?: GatehouseApi;
  }
}

/** The preload's bridge: in the app it is Electron's contextBridge, in browser tests the real services behind exposeBinding. */
export function gatehouse(): GatehouseApi {
  const api = window.gatehouse;
  if (!api) throw new Error('window.gatehouse is missing: the renderer must run inside Gatehouse');
  return api;
}
