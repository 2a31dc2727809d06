import { create } from 'zustand';
import type { GatewayStatus, VaultStatus } from '../../../main/ipc/contract';
import type { RequestLogEntry } from '../../../gateway/log/request-log';
import { gatehouse } from '../api/gatehouse-api';

const MAX_TRAFFIC = 500;

interface StatusState {
  gateway: GatewayStatus;
  vault: VaultStatus | undefined;
  traffic: RequestLogEntry[];
  connect(): () => void;
}

export const useStatusStore = create<StatusState>((set) => ({
  gateway: { state: 'stopped', restarts: 0, inFlight: 0 },
  vault: undefined,
  traffic: [],
  connect() {
    const api = gatehouse();
    void api.invoke('gateway:status', undefined).then((gateway) => set({ gateway }));
    void api.invoke('vault:status', undefined).then((vault) => set({ vault }));
    const offStatus = api.on('gateway-status', (gateway) => set({ gateway }));
    const offTraffic = api.on('traffic', (entry) => set((s) => ({ traffic: [entry, ...s.traffic].slice(0, MAX_TRAFFIC) })));
    return () => {
      offStatus();
      offTraffic();
    };
  },
}));
