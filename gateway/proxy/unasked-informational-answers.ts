// How undici's parser takes informational answers: the two the gateway never asks for, and how much of any it reads.
//
// `100 Continue`. RFC 9110 §15.2: "A client MUST be able to parse one or more 1xx responses received prior to a
// final response, even if the client does not expect one." undici parses every 1xx but this one: a 100 it did not
// ask for (it asks only with `expectContinue`, which the gateway never sets) made it drop the connection and fail
// the request, so a backend that sends one before each answer (some do, to every POST) got every request a 502
// (UNREQUESTED_CONTINUE, until 2 Dec). Here it is read as a 102 or a 103 is: the request's handler hears of it (the
// proxy relays it, informational-answers.ts; the gateway's own calls ignore it, as undici's request API ignores
// every 1xx) and the final answer is read behind it on the same connection, as Go's client and so Kyma's
// Application Gateway do.
//
// `101 Switching Protocols`, to a request that asked for no upgrade (the gateway proxies none, and its own calls
// ask for none). undici refuses one that has Upgrade and `Connection: upgrade` itself ("bad upgrade"); with either
// left out llhttp still takes the rest of the connection for another protocol, and undici failed an assertion on
// the next bytes, which the gateway could only call a response it "could not read". Every unasked 101 is now
// refused at its head the way undici refuses the first kind, so one message names it for the proxy and for the
// token and CSRF endpoints alike (upstream-errors.ts, UNREQUESTED_UPGRADE).
//
// Every 1xx, these two and the ones undici reads itself, counts against its request's budget for 1xx answers
// (interim-answer-budget.ts): an upstream that never stops sending them fails the request
// (TOO_MANY_INTERIM_ANSWERS) instead of holding it for ever.
//
// This changes undici's parser, which undici does not publish: its class is reached through the first connection's
// socket (the documented `undici:client:connected` channel, which comes before any request is written on it), and its
// onHeadersComplete is wrapped once. undici-core.ts loads this with undici, so no connection is made before it.
// package.json pins undici's minor version; should the parser's shape change,
// test/gateway/proxy/unasked-informational-answers.test.ts fails first.
import { subscribe } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import undiciSymbols from 'undici/lib/core/symbols.js';
import undiciErrors from 'undici/lib/core/errors.js';
import { interimHeadBytes, TooManyInterimAnswersError, withinInterimBudget } from './interim-answer-budget';

const { kParser, kQueue, kRunning, kRunningIdx, kReset } = undiciSymbols;

/** The request undici's client is answering (lib/core/request.js), as far as this reads it. */
interface UndiciRequest {
  aborted: boolean;
  /** Set when the request asked to switch protocols (undici's upgrade API, which the gateway does not use). */
  upgrade: unknown;
  onHeaders(statusCode: number, headers: Buffer[], resume: () => void, statusText: string): unknown;
}

/** undici's HTTP/1.1 parser (lib/dispatcher/client-h1.js), the fields its 1xx path sets. */
interface UndiciParser {
  client: Record<symbol, unknown>;
  socket: Socket & Record<symbol, unknown>;
  headers: Buffer[];
  headersSize: number;
  headersMaxSize: number;
  statusCode: number;
  statusText: string;
  shouldKeepAlive: boolean;
  timeout: { refresh?: () => void } | null;
  resume: () => void;
  onHeadersComplete(statusCode: number, upgrade: boolean, shouldKeepAlive: boolean): number;
}

const CONTINUE = 100;
const SWITCHING_PROTOCOLS = 101;
/** llhttp's answer from the head's callback: the message has no body (undici's for every 1xx). */
const NO_BODY = 1;
const STOP = -1;

const wrapped = new WeakSet<object>();

// Every undici in the process publishes on this channel (Node's own, behind fetch, too): only a parser whose client
// is this undici's (its keys are this copy's symbols) is changed.
subscribe('undici:client:connected', (message) => {
  const parser = ((message as { socket?: Socket }).socket as Record<symbol, unknown> | undefined)?.[kParser] as Partial<UndiciParser> | undefined;
  if (typeof parser?.client?.[kRunning] !== 'number') return;
  const prototype = Object.getPrototypeOf(parser) as UndiciParser;
  if (typeof prototype.onHeadersComplete === 'function' && !wrapped.has(prototype)) wrapOnHeadersComplete(prototype);
});

function wrapOnHeadersComplete(prototype: UndiciParser): void {
  wrapped.add(prototype);
  const undiciOnHeadersComplete = prototype.onHeadersComplete;
  prototype.onHeadersComplete = function onHeadersComplete(this: UndiciParser, statusCode: number, upgrade: boolean, shouldKeepAlive: boolean): number {
    if (statusCode >= 200 || upgrade) return undiciOnHeadersComplete.call(this, statusCode, upgrade, shouldKeepAlive);
    const { client, socket } = this;
    const request = (client[kRunning] as number) > 0 ? (client[kQueue] as (UndiciRequest | null)[])[client[kRunningIdx] as number] : undefined;
    if (request && !socket.destroyed && statusCode !== SWITCHING_PROTOCOLS && !withinInterimBudget(request, interimHeadBytes(this.statusText, this.headers), this.headersMaxSize)) {
      // The connection goes with the request: what the upstream sends next on it is more of the same.
      socket.destroy(new TooManyInterimAnswersError(this.headersMaxSize));
      return STOP;
    }
    if (statusCode !== CONTINUE && statusCode !== SWITCHING_PROTOCOLS) return undiciOnHeadersComplete.call(this, statusCode, upgrade, shouldKeepAlive);
    // No request waits for it (bytes after a complete answer), the connection is going, or the request asked to
    // switch: undici's own way.
    if (socket.destroyed || !request || (statusCode === SWITCHING_PROTOCOLS && request.upgrade)) return undiciOnHeadersComplete.call(this, statusCode, upgrade, shouldKeepAlive);
    if (statusCode === SWITCHING_PROTOCOLS) {
      // undici's refusal of an upgrade with both fields, word for word: the connection is dropped, the request fails.
      socket.destroy(new undiciErrors.SocketError('bad upgrade'));
      return STOP;
    }
    // What undici does with any other 1xx (onHeadersComplete's path for a status below 200).
    this.statusCode = statusCode;
    this.shouldKeepAlive = shouldKeepAlive;
    this.timeout?.refresh?.();
    const headers = this.headers;
    this.headers = [];
    this.headersSize = 0;
    if (!shouldKeepAlive) socket[kReset] = true;
    request.onHeaders(statusCode, headers, this.resume, this.statusText);
    return request.aborted ? STOP : NO_BODY;
  };
}
