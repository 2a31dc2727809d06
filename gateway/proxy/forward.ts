import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { errors, lowerCaseHeaderName } from './undici-core';
import { cutAnswer, endsAtClose } from './cut-answer';
import { downstreamHeaders, withoutFields, type OutgoingHeaders } from './forward-headers';
import { connectionLoss, errorCode, notAnHttpStatus, toUpstreamError, UpstreamError, type BodySending } from './upstream-errors';
import { isHttpStatus } from '../http/status-codes';
import { isIdempotentMethod } from '../http/idempotent-methods';
import { undecodedTransferCoding } from './transfer-coding';
import { relayInformationalAnswer } from './informational-answers';
import { hasFollowedLocation, rewriteLocationFields, type RedirectMapping } from './redirect-location';
import type { Exchange } from '../log/exchange';
import { CLIENT_BODY_INCOMPLETE, CLIENT_GONE, CLIENT_STOPPED_READING, ClientGoneError } from './client-gone';
import { AnswerDiscardedError } from './answer-discarded';
import { nodeBacklog, sendBacklog, type SendBacklog } from './client-send-backlog';
import { PoolFullError, queuedRequests, type ConnectionQueue } from './connection-queue';

export interface ForwardRequest {
  dispatcher: Dispatcher;
  /** Origin-relative path including the query string. */
  path: string;
  headers: OutgoingHeaders;
  /** Used in error messages: the upstream's origin and path, never credentials. */
  upstreamLabel: string;
  responseTimeoutMs: number;
  /** How long the client may leave the answer unread (a write waiting) before its connection is closed. */
  clientReadTimeoutMs: number;
  /** How long the request may wait for a free connection when all are busy; without it, as long as it takes. */
  queue?: ConnectionQueue;
  /** Records when the request was dispatched and the upstream's head arrived, and a body failure's code. */
  exchange: Exchange;
  /** What to send; by default the request's own body, streamed. A buffered body can be sent again. */
  body?: Buffer | Readable | null;
  /**
   * An answer with a status this returns true for is dropped unread instead of sent downstream (a retry follows):
   * the call resolves `discarded` as soon as its head arrives, and its upstream request is aborted.
   */
  discardIf?: (status: number) => boolean;
  /** Kyma's Application Gateway answer to a failing target: 502 with `Target-System-Status: <status>`. */
  kymaTargetErrors?: boolean;
  /** Maps a redirect's or a 201's Location that names the backend to the gateway's path (redirect-location.ts). */
  redirects?: RedirectMapping;
  /**
   * Told when the upstream connection was lost before an answer and the request goes out once more (see
   * `mayResend`): the traffic inspector records the lost call as an attempt of its own.
   */
  onResend?: () => void;
  /** Set on the second call: a request is sent again at most once (RFC 9112 §9.3.1). */
  resent?: boolean;
}

export interface ForwardResult {
  status: number;
  /** The answer went nowhere: `discardIf` matched; nothing was written to `res`. */
  discarded?: boolean;
  /** Time until the upstream's response headers arrived. */
  upstreamMs: number;
}

export function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');
}

/** What the call sends: the body it was given, else the request's own, streamed, when it has one. */
function outgoingBody(req: IncomingMessage, forward: ForwardRequest): Buffer | Readable | null {
  return forward.body !== undefined ? forward.body : hasBody(req) ? req : null;
}

/**
 * Whether a call that failed with `error` before any answer may go out once more, on another connection. An
 * upstream closes an idle keep-alive connection without warning (gunicorn after 2 s, Node after 5 s), and a
 * request written just then meets the close: the upstream never read it, and the client would get a 502 for a
 * backend that is up. As nginx (proxy_next_upstream), Kong (retries) and Go's HTTP client do, the request is sent
 * again, under RFC 9112 §9.3.1's conditions: only an idempotent method, only a body that can be sent again (none,
 * or one the gateway holds whole; a streamed body is partly consumed), only once, only when the connection was
 * closed or reset, never after a timeout or an answer that could not be read, and not for a client that left.
 * (Nor once the upstream sent an interim answer, which says it read the request: ResponseRelay checks that.)
 */
function mayResend(req: IncomingMessage, res: ServerResponse, forward: ForwardRequest, error: Error): boolean {
  if (forward.resent || res.destroyed || !isIdempotentMethod(req.method ?? '')) return false;
  const body = outgoingBody(req, forward);
  return (body === null || Buffer.isBuffer(body)) && connectionLoss(error) !== undefined;
}

// Heads not yet written wait two turns of the event loop: a body byte that came in the same read is written with
// the head, and a failure in that read (a broken first chunk) reaches onError first, when undici's socket
// closes. One shared Immediate per turn rather than two per response.
let dueNextTurn: ResponseRelay[] = [];
let dueInTwoTurns: ResponseRelay[] = [];
let turnScheduled = false;

function runTurn(): void {
  const due = dueNextTurn;
  dueNextTurn = dueInTwoTurns;
  dueInTwoTurns = [];
  turnScheduled = false;
  for (const relay of due) {
    // One failing flush must not strand the heads behind it: it is rethrown on its own tick.
    try {
      relay.flushHead();
    } catch (error) {
      process.nextTick(() => {
        throw error;
      });
    }
  }
  // A head queued while these flushes ran (into either list) still gets its turns.
  if (!turnScheduled && (dueNextTurn.length > 0 || dueInTwoTurns.length > 0)) {
    turnScheduled = true;
    setImmediate(runTurn);
  }
}

function flushAfterTwoTurns(relay: ResponseRelay): void {
  dueInTwoTurns.push(relay);
  if (!turnScheduled) {
    turnScheduled = true;
    setImmediate(runTurn);
  }
}

// Most answers arrive whole in one read: head, body and end reach the relay before undici's read callback
// returns. What a relay still needs once that read is over (a timer for the body wait, a turn for an unsent head)
// is set up then, in one microtask for all the relays the read touched, rather than set up and torn down again
// for every answer.
let readTouched: ResponseRelay[] = [];

function afterRead(): void {
  const touched = readTouched;
  readTouched = [];
  for (const relay of touched) relay.settleAfterRead();
}

function touchedInThisRead(relay: ResponseRelay): void {
  if (readTouched.length === 0) queueMicrotask(afterRead);
  readTouched.push(relay);
}

/** A timer's callback with its relay as the argument: no closure per request. */
function onBodyTimeout(relay: ResponseRelay): void {
  // Timers run before the event loop polls sockets: bytes that arrived while it was busy are read first.
  setImmediate(expireBodyWait, relay, relay.bodyWait);
}

function expireBodyWait(relay: ResponseRelay, wait: number): void {
  if (relay.bodyWait === wait && relay.bodyTimer !== undefined) relay.abortUpstream(new errors.BodyTimeoutError());
}

/**
 * undici's failure for a 304 or 204 whose head has a non-zero Content-Length: it checks every answer but HEAD's
 * against its Content-Length, although RFC 9112 §6.3 ends these two after their head (and RFC 9110 §8.6 allows the
 * length on a 304 to a conditional GET). Such an answer is complete, not a failure: every revalidation against
 * a backend that sends it would otherwise be a 502.
 */
function isBodilessAnswerWithLength(status: number, error: Error): boolean {
  return (status === 304 || status === 204) && (error as { code?: unknown }).code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH';
}

const EMPTY_BODY_CHUNK = Buffer.alloc(0);

/** The request waited its time for a free upstream connection (connection-queue.ts). */
function onQueueTimeout(relay: ResponseRelay, queue: ConnectionQueue): void {
  relay.giveUpWaiting(queue);
}

/** A check on a client the answer waits for (every half of clientReadTimeoutMs). */
function onClientReadCheck(relay: ResponseRelay): void {
  relay.checkClientReading();
}

/** Where a relay reports how its request ended: settled once, with a result or with the error to answer. */
export interface ForwardOutcome {
  resolve(result: ForwardResult): void;
  reject(error: unknown): void;
}

/**
 * One upstream response relayed into `res`, as the handler undici's Client calls for the request (the protocol of
 * lib/core/request.js: onConnect, onHeaders, onData, onComplete, onError). This is the hot path: the documented
 * onRequestStart/onResponseStart API wraps every request in a second handler and a controller and parses the raw
 * headers into an object the gateway would only take apart again; one object here replaces those and a dozen
 * closures per request.
 */
class ResponseRelay {
  status = 0;
  upstreamMs = 0;
  /** The head to send, until it is written. */
  headStatus = 0;
  headHeaders: string[] | undefined = undefined;
  // The wait between body bytes is timed here, not by undici's bodyTimeout: undici checks it on a timer wheel
  // of about half a second and each byte restarts the wait, so an upstream trickling a byte every few timeouts
  // (every 450 ms against a 100 ms timeout, say) was never timed out and held its request open until the body
  // ended. Like undici's, the wait is suspended while the client is applying backpressure.
  bodyTimer: NodeJS.Timeout | undefined = undefined;
  /** Changes whenever the wait restarts or stops, so a timeout that fired before it is recognised as stale. */
  bodyWait = 0;
  /** The wait is running (it stops while the client applies backpressure and once the answer is settled). */
  #waiting = false;
  #touched = false;
  #abort: ((error: Error) => void) | undefined = undefined;
  #resume: (() => void) | undefined = undefined;
  #paused = false;
  #settled = false;
  #clientGone = false;
  /** Runs while a write to the client waits for it to read (the upstream paused meanwhile). */
  #clientReadTimer: NodeJS.Timeout | undefined = undefined;
  /** The client's send backlog at the last check, and how many checks in a row saw it take nothing. */
  #clientBacklog: SendBacklog | undefined = undefined;
  #clientQuietChecks = 0;
  #clientStalled = false;
  #bodyStarted = false;
  /** undici has written the whole request body (or there is none, or it was a buffer, written at once). */
  #requestSent = false;
  /** The head's fields as written, for a cut to read whether its body ends at the close (cut-answer.ts). */
  #writtenHeaders: readonly string[] = [];
  /** An interim (1xx) answer came: the upstream read the request, so it is not sent again (mayResend). */
  #interimAnswered = false;
  /** Runs while the request waits in the pool's queue for a free connection (connection-queue.ts). */
  #queueTimer: NodeJS.Timeout | undefined = undefined;
  /** The request waited too long for a connection and was answered this 503: it must not be written when one comes. */
  #queueRefusal: PoolFullError | undefined = undefined;
  readonly #onDrain = () => this.#drained();

  constructor(
    readonly res: ServerResponse,
    readonly forward: ForwardRequest,
    readonly outcome: ForwardOutcome,
    /** The body undici sends: a stream is written as it comes, and paused by undici while the upstream does not read. */
    readonly body: Buffer | Readable | null,
  ) {
    // The gateway's own 'close' listener tells the call when the client goes away (one listener per response).
    forward.exchange.upstreamCall = this;
  }

  /**
   * The client's connection closed: an answer it will never read is not worth waiting for. A call still waiting in
   * the pool's queue for a connection (maxUpstreamConnections) is stopped when it gets one, before it is written:
   * a request its client gave up on must not be performed later (a DELETE ran seconds after its client's 499).
   */
  clientClosed(): void {
    if (this.#settled || this.res.writableFinished) return;
    this.#clientGone = true;
    // Said now: a call still queued for a connection ends only when it gets one, after the log line is written. A
    // client whose body had not all come (it left mid-upload, or Node cut it off after clientBodyTimeoutMs with a 408)
    // is told apart from one that left while waiting for its answer, and both from one the gateway cut for not reading.
    this.forward.exchange.entry.error = this.#clientStalled ? CLIENT_STOPPED_READING : this.res.req.complete ? CLIENT_GONE : CLIENT_BODY_INCOMPLETE;
    this.abortUpstream(new ClientGoneError());
  }

  /**
   * Every half of clientReadTimeoutMs while a write to the client waits: has the client taken anything since the last
   * check (client-send-backlog.ts)? One that took nothing for two checks in a row, clientReadTimeoutMs, has its
   * connection closed (nginx's send_timeout), and the close frees the upstream connection (clientClosed). Without it a
   * client that stops reading held an upstream connection for as long as the upstream had more to send, and a few such
   * clients took the whole pool. Until 3 Dec the wait was for Node's 'drain', which comes only once half the kernel's
   * send buffer is free: a client reading 50 KB/s was cut although it read all along.
   */
  checkClientReading(): void {
    if (this.#settled || this.res.destroyed) return this.#stopClientReadWait();
    const socket = this.res.socket;
    const now = socket ? sendBacklog(socket) : undefined;
    const before = this.#clientBacklog;
    const took = now !== undefined && before !== undefined && (now.node !== before.node || (now.kernel !== undefined && before.kernel !== undefined && now.kernel !== before.kernel));
    // The first check has no kernel count to compare with (it is read only here, not at each pause): it is not
    // counted as quiet, so a client is never cut before it has taken nothing for clientReadTimeoutMs.
    const known = before?.kernel !== undefined || now?.kernel === undefined;
    if (took) this.#clientQuietChecks = 0;
    else if (known) this.#clientQuietChecks += 1;
    this.#clientBacklog = now;
    if (this.#clientQuietChecks < 2) {
      this.#clientReadTimer!.refresh();
      return;
    }
    this.#stopClientReadWait();
    this.#clientStalled = true;
    this.res.destroy();
  }

  abortUpstream(error: Error): void {
    this.#abort?.(error);
  }

  /** Called when the request went into the pool's queue: it waits there `queue.timeoutMs` at most. */
  waitForConnection(queue: ConnectionQueue): void {
    this.#queueTimer = setTimeout(onQueueTimeout, queue.timeoutMs, this, queue).unref();
  }

  /**
   * No connection came free in time: the client gets its 503 now. The request stays in undici's queue (it has no
   * way to take one out), and onConnect refuses it when it gets a connection, before a byte is written.
   */
  giveUpWaiting(queue: ConnectionQueue): void {
    this.#queueTimer = undefined;
    if (this.#settled || this.#clientGone || this.#abort !== undefined) return;
    this.#queueRefusal = new PoolFullError(this.forward.upstreamLabel, queue);
    this.#finish();
    this.outcome.reject(this.#queueRefusal);
  }

  flushHead(): void {
    if (this.headHeaders === undefined || this.res.destroyed) return;
    this.#writeHead();
    // Not flushHeaders(): it sends the head as a UTF-8 string, and the field values are byte strings (latin1, as
    // they came), so a byte above 0x7f went out encoded twice; an empty write sends the head as latin1. (A bodiless
    // answer ignores the write, and its end follows at once.)
    this.res.write(EMPTY_BODY_CHUNK);
  }

  /** The read that touched this relay is over: time the body wait, and give an unsent head its turns. */
  settleAfterRead(): void {
    this.#touched = false;
    if (this.#settled) return;
    if (this.#waiting && this.bodyTimer === undefined) {
      this.bodyTimer = setTimeout(onBodyTimeout, this.forward.responseTimeoutMs, this).unref();
    }
    if (this.headHeaders !== undefined) flushAfterTwoTurns(this);
  }

  /**
   * undici calls this as it writes the request to a connection: after any wait in the pool's queue for a free one
   * (maxUpstreamConnections), which is the gateway's time, not the upstream's. The upstream's time starts here.
   */
  onConnect(abort: (error: Error) => void): void {
    this.#stopQueueWait();
    // Thrown, not aborted: undici then drops the request unwritten and keeps the connection (and the client's
    // body stream, which an abort destroys) for what comes next. Its onError is ignored: the call is settled.
    if (this.#queueRefusal !== undefined) throw this.#queueRefusal;
    if (this.#clientGone) return abort(new ClientGoneError());
    this.#abort = abort;
    this.forward.exchange.dispatchedAt = performance.now();
  }

  /**
   * undici writes a streamed body's first bytes and the request's head together, so a request whose client is slow
   * to start its body reaches the upstream only then: the upstream's time starts there, not at onConnect, or the log
   * and the traffic inspector would count the client's wait as the upstream's.
   */
  onBodySent(): void {
    if (this.#bodyStarted) return;
    this.#bodyStarted = true;
    this.forward.exchange.dispatchedAt = performance.now();
  }

  /** undici wrote the last of a streamed body. */
  onRequestSent(): void {
    this.#requestSent = true;
  }

  /**
   * Whether the request body was still going out when the call failed: undici pauses a streamed body while the
   * upstream's connection takes no more of it (`stalled`), and a body it is waiting for from the client flows.
   */
  #bodySending(): BodySending {
    const body = this.body;
    if (this.#requestSent || body === null || Buffer.isBuffer(body)) return 'sent';
    return body.readableFlowing === false ? 'stalled' : 'sending';
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    if (!isHttpStatus(statusCode)) {
      // Before the status is taken, as below: nothing of this answer is relayed, the client gets the 502 (onError),
      // and the abort closes the connection, whose body bytes nobody could tell from the next answer's.
      this.forward.exchange.entry.upstreamStatus = statusCode;
      this.abortUpstream(notAnHttpStatus(statusCode, this.forward.upstreamLabel));
      return false;
    }
    if (statusCode < 200) {
      // Never a 101: undici's parser refuses every unasked one (unasked-informational-answers.ts).
      this.#interimAnswered = true;
      relayInformationalAnswer(this.res, statusCode, rawHeaders);
      return true;
    }
    const coding = undecodedTransferCoding(rawHeaders, lowerCaseHeaderName);
    if (coding !== undefined) {
      // Before the status is taken: nothing of this answer is relayed, the client gets the 502 (onError).
      const label = this.forward.upstreamLabel;
      this.abortUpstream(new UpstreamError(502, `Upstream ${label} sent a response in transfer coding "${coding}", which the gateway cannot decode (UNSUPPORTED_TRANSFER_CODING)`, 'UNSUPPORTED_TRANSFER_CODING'));
      return false;
    }
    this.status = statusCode;
    const exchange = this.forward.exchange;
    exchange.responseStartAt = performance.now();
    this.upstreamMs = exchange.responseStartAt - exchange.dispatchedAt;
    if (this.forward.discardIf?.(statusCode)) return this.#discard();
    this.#resume = resume;
    this.#waitForBody();
    exchange.entry.upstreamMs = Math.round(this.upstreamMs * 100) / 100;
    let headers = downstreamHeaders(rawHeaders, lowerCaseHeaderName);
    const redirects = this.forward.redirects;
    if (redirects !== undefined && hasFollowedLocation(statusCode)) rewriteLocationFields(headers, redirects, this.forward.path);
    if (this.forward.kymaTargetErrors && statusCode >= 500) {
      // The gateway's own report replaces one the target may have sent under the same name.
      headers = withoutFields(headers, ['target-system-status']);
      headers.push('target-system-status', String(statusCode));
      this.headStatus = 502;
    } else {
      this.headStatus = statusCode;
    }
    this.headHeaders = headers;
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.#waitForBody();
    if (this.headHeaders !== undefined) this.#writeHead();
    if (this.res.write(chunk)) return true;
    this.#stopBodyWait();
    this.#paused = true;
    this.res.once('drain', this.#onDrain);
    // Node's own buffers now; the kernel's count is read at the first check, if the wait lasts that long.
    const socket = this.res.socket;
    this.#clientBacklog = socket ? { node: nodeBacklog(socket), kernel: undefined } : undefined;
    this.#clientQuietChecks = 0;
    this.#clientReadTimer = setTimeout(onClientReadCheck, Math.max(1, this.forward.clientReadTimeoutMs / 2), this).unref();
    return false;
  }

  onComplete(): void {
    this.#finish();
    if (this.headHeaders !== undefined) this.#writeHead();
    this.res.end();
    this.outcome.resolve({ status: this.status, upstreamMs: this.upstreamMs });
  }

  onError(error: Error): void {
    if (this.#settled) return;
    this.#finish();
    if (this.headHeaders !== undefined && isBodilessAnswerWithLength(this.status, error)) return this.#relayBodiless();
    const req = this.res.req;
    if (error instanceof ClientGoneError || (req.destroyed && !req.complete)) {
      // Nobody is left to answer. The client's end failed, not the upstream: clientClosed has said so in the log
      // line, or, when the broken body reached undici first (its read of the request failed), this says it.
      // The connection is closed or closing already (Node may be writing its 408 on it): nothing to cut here.
      if (!(error instanceof ClientGoneError)) this.forward.exchange.entry.error = CLIENT_BODY_INCOMPLETE;
      return this.outcome.resolve({ status: this.status, upstreamMs: this.upstreamMs });
    }
    if (this.status === 0 && !this.#interimAnswered && mayResend(this.res.req, this.res, this.forward, error)) return this.#resend(error);
    const upstreamError = toUpstreamError(error, this.forward.upstreamLabel, this.status !== 0, this.#bodySending());
    if (this.status !== 0 && this.headHeaders === undefined) {
      // Bytes are out: the only honest signal left for a broken body is a broken connection.
      this.forward.exchange.entry.error = upstreamError.code;
      cutAnswer(this.res, endsAtClose(this.res, this.#writtenHeaders));
      this.outcome.resolve({ status: this.status, upstreamMs: this.upstreamMs });
      return;
    }
    this.headHeaders = undefined;
    // The gateway's own answer to the failure comes as early as the upstream's would have, and closes the
    // connection if the body has not all come (failure-answers.ts).
    this.outcome.reject(upstreamError);
  }

  /**
   * The answer is dropped for a retry, so its body is nobody's: it is not read. Reading it first held the retry back
   * for as long as the upstream took to send it, without bound for a body that kept coming a byte at a time under
   * the body wait, with every byte read for nothing; Kyma's Application Gateway retries once the status is known
   * (retryableroundtripper.go). The request is aborted, and its connection with it, since an unread body cannot be
   * skipped on a keep-alive connection. The call is settled first, so the abort's onError is ignored: neither the
   * answer nor the log line takes it for the upstream's failure. What the head said is recorded already
   * (`discardIf` told the traffic inspector), as for an answer read whole.
   */
  #discard(): false {
    this.#finish();
    this.abortUpstream(new AnswerDiscardedError());
    this.outcome.resolve({ status: this.status, upstreamMs: this.upstreamMs, discarded: true });
    return false;
  }

  /** The same request once more, on whichever connection the pool gives it; its outcome is this call's. */
  #resend(error: Error): void {
    this.forward.exchange.entry.resentAfter = errorCode(error);
    this.forward.onResend?.();
    dispatchForward(this.res.req, this.res, { ...this.forward, resent: true }, this.outcome);
  }

  /** A 304 or 204 is complete with its head: it goes to the client as it came, with no body. */
  #relayBodiless(): void {
    // RFC 9110 §8.6: a 304 may carry the Content-Length of the representation it stands for; a 204 must not carry one.
    if (this.status === 204) this.headHeaders = withoutFields(this.headHeaders!, ['content-length']);
    this.#writeHead();
    this.res.end();
    this.outcome.resolve({ status: this.status, upstreamMs: this.upstreamMs });
  }

  #finish(): void {
    this.#settled = true;
    this.#stopQueueWait();
    this.#stopBodyWait();
    this.#stopClientReadWait();
    if (this.forward.exchange.upstreamCall === this) this.forward.exchange.upstreamCall = undefined;
  }

  #writeHead(): void {
    const headers = this.headHeaders!;
    // An answer before the whole request body arrived (an upstream's early 401 or 413): the rest of the body is
    // nobody's to read once the relay is done with it, so the connection could not reach the client's next request
    // and would hang until clientBodyTimeoutMs and then send a stray 408. Closing after the answer is what RFC 9112
    // §9.6 offers; a request without a body is complete long before its answer, so this costs one property read.
    if (!this.res.req.complete) headers.push('connection', 'close');
    this.res.writeHead(this.headStatus, headers);
    this.#writtenHeaders = headers;
    this.headHeaders = undefined;
  }

  #drained(): void {
    this.#stopClientReadWait();
    this.#waitForBody();
    if (!this.#paused) return;
    this.#paused = false;
    this.#resume?.();
  }

  /** (Re)starts the body wait; a relay without a timer gets one once the current read is over. */
  #waitForBody(): void {
    this.bodyWait += 1;
    this.#waiting = true;
    if (this.bodyTimer) this.bodyTimer.refresh();
    else if (!this.#touched) {
      this.#touched = true;
      touchedInThisRead(this);
    }
  }

  #stopQueueWait(): void {
    if (this.#queueTimer === undefined) return;
    clearTimeout(this.#queueTimer);
    this.#queueTimer = undefined;
  }

  #stopClientReadWait(): void {
    if (this.#clientReadTimer === undefined) return;
    clearTimeout(this.#clientReadTimer);
    this.#clientReadTimer = undefined;
  }

  #stopBodyWait(): void {
    this.bodyWait += 1;
    this.#waiting = false;
    if (this.bodyTimer === undefined) return;
    clearTimeout(this.bodyTimer);
    this.bodyTimer = undefined;
  }
}

/**
 * Sends the request upstream and streams the answer straight into `res` with backpressure both ways.
 * A dispatch handler rather than `request()` + `pipeline()`: this is the hot path, and skipping the
 * intermediate Readable, AbortSignal and pipeline per request is most of the gateway's overhead.
 *
 * The upstream's head goes to the client with its first body bytes, or after a turn of the event loop when none
 * came with it (a server-sent event stream, a slow backend), and every chunk as it arrives: nothing is held back
 * for a later one. Until something is written the answer can still change, so an upstream failing right after
 * its head (a broken first chunk) rejects like one failing before it and the client gets a 502 naming the upstream;
 * once bytes are out, a failure cuts the connection. The outcome hears how it ended, once.
 */
export function dispatchForward(req: IncomingMessage, res: ServerResponse, forward: ForwardRequest, outcome: ForwardOutcome): void {
  const body = outgoingBody(req, forward);
  const relay = new ResponseRelay(res, forward, outcome, body);
  const { dispatcher, queue } = forward;
  const queuedBefore = queue === undefined ? 0 : queuedRequests(dispatcher);
  const free = dispatcher.dispatch(
    {
      path: forward.path,
      method: req.method as Dispatcher.HttpMethod,
      headers: forward.headers,
      body,
      headersTimeout: forward.responseTimeoutMs,
      // Timed by the relay's body wait.
      bodyTimeout: 0,
    },
    relay as Dispatcher.DispatchHandler,
  );
  // false: the pool has no free connection left, for this request or the next. Only one that went into its queue
  // waits for a connection (undici's own queue, without bound), so only then is the wait timed: no timer per request.
  if (!free && queue !== undefined && queuedRequests(dispatcher) > queuedBefore) relay.waitForConnection(queue);
}

/** dispatchForward as a promise, for callers that act on the outcome (a credential retry). */
export function forwardRequest(req: IncomingMessage, res: ServerResponse, forward: ForwardRequest): Promise<ForwardResult> {
  return new Promise<ForwardResult>((resolve, reject) => dispatchForward(req, res, forward, { resolve, reject }));
}
