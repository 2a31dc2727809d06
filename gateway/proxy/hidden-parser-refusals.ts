// undici reports llhttp's refusal of a response head as a body that does not match its Content-Length
// (ResponseContentLengthMismatchError, "Response body length does not match content-length header") whenever the
// head had a Content-Length field whose digits, as far as llhttp read them, are not 0 (Parser.createError in
// lib/dispatcher/client-h1.js), and drops llhttp's reason: `Content-Length: 1, 2`, a value past 2^64 - 1, a second
// Content-Length, one beside Transfer-Encoding, and any fault after a valid one (an invalid header token) all read
// the same, and the gateway's 502 blamed the body.
//
// The reason is still in llhttp when undici closes the socket with that error: the socket's 'error' event comes
// before its 'close', where undici frees the parser and fails the request. One listener a connection, heard only
// when the connection fails, reads it there and keeps it beside the error (weakly: nothing stays once the error is
// gone). This reads undici's parser, which undici does not publish: should that change, the reason is not found and
// the 502 says what undici says (test/gateway/proxy/upstream-answer-errors.test.ts fails on it first).
import { subscribe } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { parserKey } from './undici-core';

/** The llhttp exports undici's parser calls (llhttp's C API, compiled to WebAssembly). */
interface Llhttp {
  memory: { buffer: ArrayBuffer };
  llhttp_get_errno(parser: number): number;
  llhttp_errno_name(errno: number): number;
  llhttp_get_error_reason(parser: number): number;
}

/** What undici's Parser holds: llhttp's exports, and the address of its llhttp parser (null once freed). */
interface UndiciParser {
  llhttp?: Llhttp;
  ptr?: number | null;
}

/**
 * llhttp's errors that are no refusal of the bytes: the input ended mid-message (undici's finish() on a body cut
 * short), or one of undici's callbacks stopped it (its own checks, such as the length check at a message's end).
 */
const NOT_A_REFUSAL = /^HPE_(OK|INVALID_EOF_STATE|CB_|PAUSED|USER)/;

const refusals = new WeakMap<object, string>();

// Every connection undici makes from the moment this module loads (upstream-errors.ts, which reads failures with it,
// imports it), through its documented `undici:client:connected` channel: the proxy's and the token and CSRF
// endpoints' alike.
subscribe('undici:client:connected', (message) => {
  (message as { socket?: Socket }).socket?.on('error', recordRefusal);
});

function recordRefusal(this: Socket, error: unknown): void {
  if ((error as { code?: unknown } | null | undefined)?.code !== 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH') return;
  const reason = refusalReason((this as unknown as Record<symbol, UndiciParser | undefined>)[parserKey]);
  if (reason !== undefined) refusals.set(error as object, reason);
}

function refusalReason(parser: UndiciParser | undefined): string | undefined {
  const llhttp = parser?.llhttp;
  const at = parser?.ptr;
  if (llhttp === undefined || typeof at !== 'number') return undefined;
  try {
    if (NOT_A_REFUSAL.test(cString(llhttp, llhttp.llhttp_errno_name(llhttp.llhttp_get_errno(at))))) return undefined;
    return cString(llhttp, llhttp.llhttp_get_error_reason(at)) || undefined;
  } catch {
    // Not the parser this was written for (another undici, Node's own among them): its word stands.
    return undefined;
  }
}

/** A NUL-terminated string in llhttp's memory: one of its fixed texts, never the upstream's bytes. */
function cString(llhttp: Llhttp, at: number): string {
  if (at === 0) return '';
  const end = new Uint8Array(llhttp.memory.buffer, at).indexOf(0);
  return Buffer.from(llhttp.memory.buffer, at, end < 0 ? 0 : end).toString('latin1');
}

/**
 * llhttp's reason for refusing the response head behind a length mismatch undici failed a request with
 * ("Duplicate Content-Length", "Invalid header token"), or undefined for a real one (a body cut short) or one not read.
 */
export function hiddenParserRefusal(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? refusals.get(error) : undefined;
}
