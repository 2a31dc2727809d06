import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { sendMessage } from './json-response';

/**
 * A stage's answer in place of forwarding, almost always a "no": the status and message the client gets, and the
 * code the log line records.
 */
export class Refusal {
  constructor(
    readonly status: number,
    readonly message: string,
    readonly headers?: OutgoingHttpHeaders,
    /** Recorded as the log entry's `error`. */
    readonly logCode?: string,
  ) {}
}

/** An answer whose head says all there is (`OPTIONS *`: its Allow): sent with Content-Length 0, no JSON message. */
export class HeadOnlyAnswer extends Refusal {
  constructor(status: number, headers: OutgoingHttpHeaders) {
    super(status, '', headers);
  }
}

export function sendRefusal(res: ServerResponse, refusal: Refusal): void {
  if (refusal instanceof HeadOnlyAnswer) {
    res.writeHead(refusal.status, { ...refusal.headers, 'content-length': 0 });
    res.end();
    return;
  }
  sendMessage(res, refusal.status, refusal.message, refusal.headers);
}
