// How the relay stops an upstream call whose answer it drops unread for a retry (forward.ts, `discardIf`).
import { GatehouseError } from '../errors/gatehouse-error';

/**
 * The abort reason of an answer dropped for a retry. Never reported: the relay has settled the call before it
 * aborts, so undici's onError that follows is ignored, and neither the client's answer nor the log line hears of
 * it. Its own class so that a diagnostics reader of undici's errors can tell it from a real failure.
 */
export class AnswerDiscardedError extends GatehouseError {
  readonly code = 'ANSWER_DISCARDED';
  constructor() {
    super('upstream answer dropped for a retry');
    this.name = 'AnswerDiscardedError';
  }
}
