// What the supervisor knows about its gateway process. Types only, with no Node imports: the IPC contract
// hands this same shape to the renderer (`gateway:status`, the `gateway-status` event), so the two cannot
// drift, and the supervisor needs nothing from the IPC layer above it.
import type { LeftOutItem } from '../../../gateway/config/left-out-item';
import type { FieldError } from '../../../gateway/config/validate';

export type GatewayState = 'stopped' | 'starting' | 'running' | 'restarting' | 'failed';

/**
 * What the gateway serves, compared with the saved workspace. `config`: 'saved' — the saved workspace, leaving
 * out the items in `leftOut`; 'older' — an earlier workspace, because it refused the saved one (`errors` say
 * why); 'none' — nothing of the workspace it started with (`errors`). The app shows anything but 'saved' with an
 * empty `leftOut` as a warning, everywhere the user looks.
 */
export interface ServedConfig {
  config: 'saved' | 'older' | 'none';
  leftOut: LeftOutItem[];
  errors?: FieldError[];
}

export interface GatewayStatus {
  state: GatewayState;
  url?: string;
  port?: number;
  restarts: number;
  inFlight: number;
  lastError?: string;
  served: ServedConfig;
  /**
   * A reload the running gateway has not answered for a while (SupervisorOptions.notAnsweringAfterMs): `sentAt`,
   * in ms since the epoch, is when it was sent. Gone once the gateway answers, or exits (the supervisor kills one
   * that does not answer within its start timeout).
   */
  unansweredReload?: { sentAt: number };
}
