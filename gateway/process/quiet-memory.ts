// When the gateway goes quiet after serving, its process has V8 favour memory, so that what a burst of traffic made
// V8 hold is given back within seconds (v8-flags.ts, favourMemory, says how and what it measured). The next request
// has V8 favour speed again before it is handled.
//
// Quiet: no request started during one whole check period (QUIET_CHECK_MS), and none in flight at its end: one to
// two periods after the last request started. A stream still open keeps the gateway busy however long it lasts.
// The check runs only between the first request after a quiet spell and the next quiet spell: an idle gateway has no
// timer, and a busy one pays a counter and a comparison a request.
import { favourMemory } from './v8-flags';

export const QUIET_CHECK_MS = 2000;

export class QuietMemoryWatch {
  #started = 0;
  #startedAtLastCheck = 0;
  #timer: NodeJS.Timeout | undefined;
  #favouringMemory = false;

  /**
   * `inFlight`: the gateway's requests received and not yet answered. `favour` is v8-flags.ts's, given here so that a
   * test can watch what is asked without changing its own process's V8 options.
   */
  constructor(
    private readonly inFlight: () => number,
    private readonly favour: (memory: boolean) => void = favourMemory,
    private readonly checkMs = QUIET_CHECK_MS,
  ) {}

  /** As each request starts, before it is handled. */
  requestStarted(): void {
    if (this.#timer === undefined) {
      if (this.#favouringMemory) this.#setFavouringMemory(false);
      // The period this request starts in is not a quiet one.
      this.#startedAtLastCheck = this.#started;
      this.#timer = setInterval(() => this.#check(), this.checkMs).unref();
    }
    this.#started += 1;
  }

  #check(): void {
    const startedSince = this.#started !== this.#startedAtLastCheck;
    this.#startedAtLastCheck = this.#started;
    if (startedSince || this.inFlight() > 0) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#setFavouringMemory(true);
  }

  #setFavouringMemory(memory: boolean): void {
    this.#favouringMemory = memory;
    this.favour(memory);
  }
}
