import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { errors } from './undici-core';
import { downstreamResponseHeaders, type OutgoingHeaders } from './forward-headers';
import { toUpstreamError } from './upstream-errors';
import type { Exchange } from '../log/exchange';

export interface ForwardRequest {
  dispatcher: Dispatcher;
  /** Origin-relative path including the query string. */
  path: string;
  headers: OutgoingHeaders;
  /** Used in error messages: the upstream's origin and path, never credentials. */
  upstreamLabel: string;
  responseTimeoutMs: number;
  /** Records when the request was dispatched and the upstream's head arrived, and a body failure's code. */
  exchange: Exchange;
  /** What to send; by default the request's own body, streamed. A buffered body can be sent again. */
  body?: Buffer | Readable | null;
  /** An answer with a status this returns true for is read and dropped instead of sent downstream (a retry follows). */
  discardIf?: (status: number) => boolean;
  /** Kyma's Application Gateway answer to a failing target: 502 with `Target-System-Status: <status>`. */
  kymaTargetErrors?: boolean;
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

// Heads not yet written wait two turns of the event loop: a body byte that came in the same read is written with
// the head, and a failure in that read (a broken first chunk) reaches onResponseError first, when undici's socket
// closes. One shared Immediate per turn rather than two per response.
let dueNextTurn: (() => void)[] = [];
let dueInTwoTurns: (() => void)[] = [];
let turnScheduled = false;

function runTurn(): void {
  const due = dueNextTurn;
  dueNextTurn = dueInTwoTurns;
  dueInTwoTurns = [];
  turnScheduled = false;
  for (const flush of due) {
    // One failing flush must not strand the heads behind it: it is rethrown on its own tick.
    try {
      flush();
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

function flushAfterTwoTurns(flush: () => void): void {
  dueInTwoTurns.push(flush);
  if (!turnScheduled) {
    turnScheduled = true;
    setImmediate(runTurn);
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
 * once bytes are out, a failure cuts the connection.
 */
export function forwardRequest(req: IncomingMessage, res: ServerResponse, forward: ForwardRequest): Promise<ForwardResult> {
  const exchange = forward.exchange;
  const started = performance.now();
  exchange.dispatchedAt = started;
  return new Promise<ForwardResult>((resolve, reject) => {
    let status = 0;
    let upstreamMs = 0;
    let discarded = false;
    /** The head to send, until it is written. */
    let headStatus = 0;
    let headHeaders: OutgoingHeaders | undefined;
    let controllerRef: Dispatcher.DispatchController | undefined;
    // The wait between body bytes is timed here, not by undici's bodyTimeout: undici checks it on a timer wheel
    // of about half a second and each byte restarts the wait, so an upstream trickling a byte every few timeouts
    // (every 450 ms against a 100 ms timeout, say) was never timed out and held its request open until the body
    // ended. Like undici's, the wait is suspended while the client is applying backpressure.
    let bodyTimer: NodeJS.Timeout | undefined;
    /** Changes whenever the wait restarts or stops, so a timeout that fired before it is recognised as stale. */
    let bodyWait = 0;
    const onBodyTimeout = () => {
      const expired = bodyWait;
      // Timers run before the event loop polls sockets: bytes that arrived while it was busy are read first.
      setImmediate(() => {
        if (bodyWait === expired && bodyTimer !== undefined) controllerRef?.abort(new errors.BodyTimeoutError());
      });
    };
    const waitForBody = () => {
      bodyWait += 1;
      if (bodyTimer) bodyTimer.refresh();
      else bodyTimer = setTimeout(onBodyTimeout, forward.responseTimeoutMs).unref();
    };
    const stopBodyWait = () => {
      bodyWait += 1;
      if (bodyTimer === undefined) return;
      clearTimeout(bodyTimer);
      bodyTimer = undefined;
    };
    const onDrain = () => {
      waitForBody();
      controllerRef?.resume();
    };
    const onClientGone = () => {
      if (!res.writableFinished) controllerRef?.abort(new Error('client went away'));
    };
    const writeHead = () => {
      res.writeHead(headStatus, headHeaders);
      headHeaders = undefined;
    };
    const flushHead = () => {
      if (headHeaders === undefined || res.destroyed) return;
      writeHead();
      res.flushHeaders();
    };
    res.once('close', onClientGone);

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(controller) {
        controllerRef = controller;
      },
      onResponseStart(controller, statusCode, headers) {
        if (statusCode < 200) return; // 1xx: the gateway sends its own 100 Continue once a request is admitted
        status = statusCode;
        waitForBody();
        exchange.responseStartAt = performance.now();
        upstreamMs = exchange.responseStartAt - started;
        if (forward.discardIf?.(statusCode)) {
          discarded = true;
          return;
        }
        exchange.entry.upstreamMs = Math.round(upstreamMs * 100) / 100;
        const downstream = downstreamResponseHeaders(headers as Record<string, string | string[]>);
        if (forward.kymaTargetErrors && statusCode >= 500) {
          downstream['target-system-status'] = String(statusCode);
          headStatus = 502;
        } else {
          headStatus = statusCode;
        }
        headHeaders = downstream;
        controllerRef = controller;
        flushAfterTwoTurns(flushHead);
      },
      onResponseData(controller, chunk) {
        waitForBody();
        if (discarded) return;
        if (headHeaders !== undefined) writeHead();
        if (!res.write(chunk)) {
          stopBodyWait();
          controller.pause();
          res.once('drain', onDrain);
        }
      },
      onResponseEnd() {
        stopBodyWait();
        res.off('close', onClientGone);
        if (discarded) return resolve({ status, upstreamMs, discarded });
        if (headHeaders !== undefined) writeHead();
        res.end();
        resolve({ status, upstreamMs });
      },
      onResponseError(_controller, error) {
        stopBodyWait();
        res.off('close', onClientGone);
        if (discarded) return resolve({ status, upstreamMs, discarded });
        const upstreamError = toUpstreamError(error, forward.upstreamLabel);
        if (status !== 0 && headHeaders === undefined) {
          // Bytes are out: the only honest signal left for a broken body is a broken connection.
          exchange.entry.error = upstreamError.code;
          res.destroy();
          resolve({ status, upstreamMs });
          return;
        }
        headHeaders = undefined;
        reject(upstreamError);
      },
    };
    forward.dispatcher.dispatch(
      {
        path: forward.path,
        method: req.method as Dispatcher.HttpMethod,
        headers: forward.headers,
        body: forward.body !== undefined ? forward.body : hasBody(req) ? req : null,
        headersTimeout: forward.responseTimeoutMs,
        // Timed by waitForBody() above.
        bodyTimeout: 0,
      },
      handler,
    );
  });
}
