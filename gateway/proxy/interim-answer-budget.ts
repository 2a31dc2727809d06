// How much of informational (1xx) answers an upstream may send before its final answer. RFC 9110 §15.2 has a
// client read "one or more" and sets no bound, and undici sets none either: each 1xx restarts its wait for the
// head (its headers timeout), so a backend that sent `102 Processing` every few seconds and never a final answer
// held the request, its upstream connection and its client for ever, relaying a 102 each time. Go's client (and so
// Kyma's Application Gateway) bounds them: up to Go 1.23 more than five is an error ("too many 1xx informational
// responses"); since 1.24 the 1xx heads together count against the response-head limit, so a long WebDAV task may
// send 102s for as long as it needs within that size. The gateway takes the second rule, with its own limit on a
// response head (undici's maxHeaderSize, 16 KiB as Node's): about 600 bare 102s (27 bytes each), a bound that still
// lets a slow backend say it is working. Each 1xx still restarts the head wait (responseMs), so the budget is the only
// bound on how long 1xx answers can hold a request: about 600 waits.

import { GatehouseError } from '../errors/gatehouse-error';

/** The failure undici's parser is given for an upstream over the budget: its code names it in the log and the 502. */
export class TooManyInterimAnswersError extends GatehouseError {
  readonly code = 'TOO_MANY_INTERIM_ANSWERS';

  constructor(readonly limitBytes: number) {
    super(`informational (1xx) answers over the ${Math.round(limitBytes / 1024)} KiB limit of a response head`);
    this.name = 'TooManyInterimAnswersError';
  }
}

/** `HTTP/1.1 ` before the code, the code's three digits and the space after it, the CRLF ending the line. */
const STATUS_LINE_BYTES = 9 + 3 + 1 + 2;
/** `: ` between a field's name and value and the CRLF after it. */
const FIELD_LINE_BYTES = 2 + 2;
/** The empty line ending the head. */
const HEAD_END_BYTES = 2;

/** A 1xx head's size as it came over the wire (its reason phrase and its fields as the parser read them). */
export function interimHeadBytes(statusText: string, fields: readonly Buffer[]): number {
  let bytes = STATUS_LINE_BYTES + Buffer.byteLength(statusText, 'latin1') + HEAD_END_BYTES;
  for (let i = 0; i < fields.length; i += 2) bytes += fields[i]!.length + (fields[i + 1]?.length ?? 0) + FIELD_LINE_BYTES;
  return bytes;
}

/** What each request's 1xx answers have come to so far; a request that never gets one is never entered. */
const spent = new WeakMap<object, number>();

/**
 * Counts one 1xx head against its request's budget: false once the request's 1xx heads together pass `limitBytes`.
 */
export function withinInterimBudget(request: object, headBytes: number, limitBytes: number): boolean {
  const total = (spent.get(request) ?? 0) + headBytes;
  spent.set(request, total);
  return total <= limitBytes;
}
