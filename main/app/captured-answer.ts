// Try it's answer body as Traffic shows it. A backend may echo what it received, the credentials the gateway added
// among them (the `Authorization: Basic …` of a service's backend secret, an OAuth token), which main never sees.
// The gateway masks every credential value of an exchange inside its captured bodies (gateway/capture, one rule for
// both screens), so Try it shows the body of its own exchange as captured, not the bytes it read: no value Traffic
// hides reaches the window through Try it. The bytes read stay in main for "Save body", as a download would.
// Without a capture of the exchange (capture paused) there is nothing masked to show, and the answer says so.
import type { BodyPreview, CapturedExchange } from '../../gateway/capture/exchange';
import type { GatewaySupervisor } from '../services/gateway-supervisor/gateway-supervisor';

/** How long the answer waits for its exchange once its body is read: the gateway sends it as the answer ends. */
const CAPTURE_WAIT_MS = 5000;

export type ExchangeFeed = Pick<GatewaySupervisor, 'capturing' | 'on' | 'off'>;

export interface CapturedAnswer {
  /** The local port of the request's own connection, once it is open and before the request goes out on it. */
  connected(localPort: number): void;
  /** The captured body of the exchange that came on that connection, once the gateway has sent it; or why there is none. */
  body(): Promise<{ body: BodyPreview } | { unmasked: string }>;
  stop(): void;
}

/**
 * Starts listening for the exchange of a request about to be sent on a connection of its own, so that one the
 * gateway sends before the answer is read is not missed. It is the complete exchange whose client port is that
 * connection's local port: exactly this request's, whatever else with the same method and target the gateway is
 * serving (until 2 Dec the match was by method, target, status and size, which two such requests share).
 */
export function watchCapturedAnswer(feed: ExchangeFeed, waitMs = CAPTURE_WAIT_MS): CapturedAnswer {
  const capturing = feed.capturing;
  let port: number | undefined;
  let found: CapturedExchange | undefined;
  let wake: (() => void) | undefined;
  const listener = (exchange: CapturedExchange) => {
    if (port === undefined || exchange.clientPort !== port || exchange.state !== 'complete' || !exchange.response) return;
    found = exchange;
    wake?.();
  };
  if (capturing) feed.on('exchange', listener);
  const stop = () => void feed.off('exchange', listener);

  return {
    stop,
    connected(localPort) {
      port = localPort;
    },
    async body() {
      if (!capturing) return { unmasked: 'Traffic capture is paused, so credential values the gateway added are not masked in this body' };
      if (!found && port !== undefined) {
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, waitMs);
        });
        clearTimeout(timer);
        wake = undefined;
      }
      stop();
      return found ? { body: found.response!.body } : { unmasked: 'the gateway sent no capture of this exchange, so credential values it added are not masked in this body' };
    },
  };
}
