// Sandboxed preload: exposes the IPC contract as `window.gatehouse` and nothing else (no ipcRenderer passthrough).
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { GatehouseApi, IpcEnvelope, MainEvent } from '../ipc/contract';

const INVOKE = 'gatehouse:invoke';
const EVENT = 'gatehouse:event';

const api: GatehouseApi = {
  async invoke(channel, request) {
    const envelope = (await ipcRenderer.invoke(INVOKE, channel, request)) as IpcEnvelope<never>;
    if (envelope.ok) return envelope.value;
    throw Object.assign(new Error(envelope.error.message), envelope.error);
  },
  on(event, listener) {
    const wrapped = (_e: IpcRendererEvent, name: MainEvent, payload: unknown) => {
      if (name === event) listener(payload as never);
    };
    ipcRenderer.on(EVENT, wrapped);
    return () => ipcRenderer.off(EVENT, wrapped);
  },
};

contextBridge.exposeInMainWorld('gatehouse', api);
