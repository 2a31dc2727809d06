import { create } from 'zustand';
import type { GatewayStatus, VaultStatus } from '../../../main/ipc/contract';
import { gatehouse } from '../api/gatehouse-api';
import { toFailure } from '../api/ipc-error';
import { useTrafficStore } from './traffic-store';
import { servesLessThanSaved } from '../model/served-config';

interface StatusState {
  gateway: GatewayStatus;
  vault: VaultStatus | undefined;
  vaultError: string | undefined;
  connect(): () => void;
  /** A status main sent with an answer (a save says what the gateway made of it). */
  setGateway(gateway: GatewayStatus): void;
  refreshVault(): Promise<void>;
  /** Keeps secrets in memory for this session when the keychain is unavailable. */
  chooseSessionOnlyVault(): Promise<void>;
}

export const useStatusStore = create<StatusState>((set) => ({
  gateway: { state: 'stopped', restarts: 0, inFlight: 0, served: { config: 'saved', leftOut: [] } },
  vault: undefined,
  vaultError: undefined,
  connect() {
    const api = gatehouse();
    void api.invoke('gateway:status', undefined).then((gateway) => set({ gateway }), () => undefined);
    void api.invoke('vault:status', undefined).then((vault) => set({ vault }), (error: unknown) => set({ vaultError: toFailure(error).message }));
    const offStatus = api.on('gateway-status', (gateway) => set({ gateway }));
    // The inspector's rows arrive from the start, whichever screen is open.
    const offTraffic = useTrafficStore.getState().connect();
    return () => {
      offStatus();
      offTraffic();
    };
  },
  setGateway(gateway) {
    set({ gateway });
  },
  async refreshVault() {
    try {
      set({ vault: await gatehouse().invoke('vault:status', undefined), vaultError: undefined });
    } catch (error) {
      set({ vaultError: toFailure(error).message });
    }
  },
  async chooseSessionOnlyVault() {
    try {
      set({ vault: await gatehouse().invoke('vault:use-session-only', undefined), vaultError: undefined });
    } catch (error) {
      set({ vaultError: toFailure(error).message });
    }
  },
}));

/**
 * True while the gateway serves something other than the saved workspace (an older one, or with items left out):
 * Try it and Traffic show `ServedConfigBanner` then, since what they show may not match the screens.
 */
export function useServesLessThanSaved(): boolean {
  return useStatusStore((s) => servesLessThanSaved(s.gateway));
}
