// Try it's answer body as Traffic shows it. A backend may echo what it received, the credentials the gateway added
// among them (the `Authorization: Basic …` of a service's backend secret, an OAuth token), which main never sees.
// The gateway masks every credential value of an exchange inside its captured bodies (gateway/capture, one rule for
// both screens), so Try it shows the body of its own exchange as captured, not the bytes it read: no value Traffic
// hides reaches the window through Try it. The bytes read stay in main for "Save body", as a download would.
// Without a capture of the exchange (capture paused) there is nothing masked to show, and the answer says so.
import type { BodyPreview, CapturedExchange } from '../../gateway/capture/exchange';
import { maskedTarget } from '../../gateway/log/masked-headers';
import type { GatewaySupervisor } from '../services/gateway-supervisor/gateway-supervisor';

/** How long the answer waits for its exchange once its body is read: the gateway sends it as the answer ends. */
const CAPTURE_WAIT_MS = 5000;

export type ExchangeFeed = Pick<GatewaySupervisor, 'capturing' | 'on' | 'off'>;

export interface CapturedAnswer {
  /**
   * The captured body of the exchange that answered with `status` and a body of `size` bytes, once the gateway has
   * sent it; or why there is none.
   */
  body(status: number, size: number): Promise<{ body: BodyPreview } | { unmasked: string }>;
  stop(): void;
}

/**
 * Starts listening for the exchange of a request about to be sent, so that one the gateway sends before the answer
 * is read is not missed. It is the complete exchange with the same method and target (as the capture writes it,
 * credential query values masked) that started after this call and answered with the same status and size.
 */
export function watchCapturedAnswer(feed: ExchangeFeed, request: { method: string; path: string }, waitMs = CAPTURE_WAIT_MS): CapturedAnswer {
  const capturing = feed.capturing;
  const since = Date.now();
  const target = maskedTarget(request.path);
  const seen: CapturedExchange[] = [];
  let wake: (() => void) | undefined;
  const listener = (exchange: CapturedExchange) => {
    if (exchange.state !== 'complete' || !exchange.response || exchange.startedAt < since) return;
    if (exchange.request.method !== request.method || exchange.request.target !== target) return;
    seen.push(exchange);
    wake?.();
  };
  if (capturing) feed.on('exchange', listener);
  const stop = () => void feed.off('exchange', listener);

  return {
    stop,
    async body(status, size) {
      if (!capturing) return { unmasked: 'Traffic capture is paused, so credential values the gateway added are not masked in this body' };
      const find = () => seen.find((e) => e.response!.status === status && e.response!.body.size === size);
      let found = find();
      if (!found) {
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((resolve) => {
          wake = () => {
            if (find()) resolve();
          };
          timer = setTimeout(resolve, waitMs);
        });
        clearTimeout(timer);
        wake = undefined;
        found = find();
      }
      stop();
      return found ? { body: found.response!.body } : { unmasked: 'the gateway sent no capture of this exchange, so credential values it added are not masked in this body' };
    },
  };
}
