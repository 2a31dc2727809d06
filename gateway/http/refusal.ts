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

export function sendRefusal(res: ServerResponse, refusal: Refusal): void {
  sendMessage(res, refusal.status, refusal.message, refusal.headers);
}
