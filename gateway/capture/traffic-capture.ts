// The switch and the outlet of the traffic inspector: the app turns capture on while it listens, and each
// recorded exchange goes to `sink` when it completes, plus a snapshot every PROGRESS_INTERVAL_MS while its
// response streams (server-sent events, long downloads), so the app shows it as it arrives.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CapturedExchange, ExchangeCredentials } from './exchange';
import { ExchangeRecorder } from './exchange-recorder';

export type ExchangeSink = (exchange: CapturedExchange, credentials: ExchangeCredentials) => void;

const PROGRESS_INTERVAL_MS = 250;

export class TrafficCapture {
  /** Off until the app asks: the headless gateway never records. */
  enabled: boolean;
  #nextId = 1;

  constructor(
    private readonly sink: ExchangeSink,
    options: { enabled?: boolean } = {},
  ) {
    this.enabled = options.enabled ?? false;
  }

  /** Starts recording one exchange; its end (and the final snapshot) comes with `finish`. */
  begin(req: IncomingMessage, res: ServerResponse): ExchangeRecorder {
    const recorder = new ExchangeRecorder(this.#nextId++, req, res);
    let timer: NodeJS.Timeout | undefined;
    const progress = () => {
      timer = undefined;
      if (recorder.complete) return;
      this.#send(recorder);
      timer = setTimeout(progress, PROGRESS_INTERVAL_MS);
      timer.unref();
    };
    // The first snapshot only for a response still going after an interval: a quick exchange is sent once.
    const onHeaders = () => {
      if (timer === undefined && !recorder.complete) {
        timer = setTimeout(progress, PROGRESS_INTERVAL_MS);
        timer.unref();
      }
    };
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    res.write = ((...args: unknown[]) => {
      onHeaders();
      return write(...args);
    }) as ServerResponse['write'];
    res.once('close', () => clearTimeout(timer));
    return recorder;
  }

  /** Sends the exchange's final snapshot. */
  finish(recorder: ExchangeRecorder): void {
    this.#send(recorder);
  }

  #send(recorder: ExchangeRecorder): void {
    try {
      const { exchange, credentials } = recorder.snapshot();
      this.sink(exchange, credentials);
    } catch (error) {
      // Capture must never break serving: the exchange is left out of the inspector instead.
      process.emitWarning(`gatehouse: traffic capture failed: ${error instanceof Error ? error.name : 'error'}`);
    }
  }
}
