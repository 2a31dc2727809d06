import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { downstreamResponseHeaders, type OutgoingHeaders } from './forward-headers';
import { toUpstreamError, UpstreamError } from './upstream-errors';

export interface ForwardRequest {
  dispatcher: Dispatcher;
  /** Origin-relative path including the query string. */
  path: string;
  headers: OutgoingHeaders;
  /** Used in error messages: the upstream's origin and path, never credentials. */
  upstreamLabel: string;
  responseTimeoutMs: number;
  /** Called when the upstream's headers arrive, before the body streams (the request log closes on 'close'). */
  onHeaders?: (upstreamMs: number) => void;
  /** What to send; by default the request's own body, streamed. A buffered body can be sent again. */
  body?: Buffer | Readable | null;
  /** An answer with a status this returns true for is read and dropped instead of sent downstream (a retry follows). */
  discardIf?: (status: number) => boolean;
  /** Kyma's Application Gateway answer to a failing target: 502 with `Target-System-Status: <status>`. */
  kymaTargetErrors?: boolean;
  /** The upstream's body failed after its headers were passed on: the client's connection is cut. */
  onBodyError?: (error: UpstreamError) => void;
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

/**
 * Sends the request upstream and streams the answer straight into `res` with backpressure both ways.
 * A dispatch handler rather than `request()` + `pipeline()`: this is the hot path, and skipping the
 * intermediate Readable, AbortSignal and pipeline per request is most of the gateway's overhead.
 */
export function forwardRequest(req: IncomingMessage, res: ServerResponse, forward: ForwardRequest): Promise<ForwardResult> {
  const started = performance.now();
  return new Promise<ForwardResult>((resolve, reject) => {
    let status = 0;
    let upstreamMs = 0;
    let discarded = false;
    // The last chunk is held back one event so a small body leaves with its headers in one write.
    let held: Buffer | undefined;
    let flushQueued = false;
    let controllerRef: Dispatcher.DispatchController | undefined;
    const writeHeld = (controller: Dispatcher.DispatchController) => {
      const chunk = held!;
      held = undefined;
      if (!res.write(chunk)) {
        controller.pause();
        res.once('drain', onDrain);
      }
    };
    const onDrain = () => controllerRef?.resume();
    const onClientGone = () => {
      if (!res.writableFinished) controllerRef?.abort(new Error('client went away'));
    };
    res.once('close', onClientGone);

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(controller) {
        controllerRef = controller;
      },
      onResponseStart(controller, statusCode, headers) {
        if (statusCode < 200) return; // 1xx: Node's server answers Expect: 100-continue itself
        status = statusCode;
        upstreamMs = performance.now() - started;
        if (forward.discardIf?.(statusCode)) {
          discarded = true;
          return;
        }
        forward.onHeaders?.(upstreamMs);
        const downstream = downstreamResponseHeaders(headers as Record<string, string | string[]>);
        if (forward.kymaTargetErrors && statusCode >= 500) res.writeHead(502, { ...downstream, 'target-system-status': String(statusCode) });
        else res.writeHead(statusCode, downstream);
        controllerRef = controller;
      },
      onResponseData(controller, chunk) {
        if (discarded) return;
        if (held) writeHeld(controller);
        held = chunk;
        // Held only until the parser is done with this read: a streamed response (server-sent events) is not
        // kept from the client until its next chunk arrives.
        if (!flushQueued) {
          flushQueued = true;
          queueMicrotask(() => {
            flushQueued = false;
            if (held && !res.writableEnded) writeHeld(controller);
          });
        }
      },
      onResponseEnd() {
        res.off('close', onClientGone);
        if (discarded) return resolve({ status, upstreamMs, discarded });
        res.end(held);
        resolve({ status, upstreamMs });
      },
      onResponseError(_controller, error) {
        res.off('close', onClientGone);
        if (discarded) return resolve({ status, upstreamMs, discarded });
        if (status !== 0) {
          // Headers are out: the only honest signal left for a broken body is a broken connection.
          forward.onBodyError?.(toUpstreamError(error, forward.upstreamLabel));
          res.destroy();
          resolve({ status, upstreamMs });
          return;
        }
        reject(error instanceof UpstreamError ? error : toUpstreamError(error, forward.upstreamLabel));
      },
    };

    forward.dispatcher.dispatch(
      {
        path: forward.path,
        method: req.method as Dispatcher.HttpMethod,
        headers: forward.headers,
        body: forward.body !== undefined ? forward.body : hasBody(req) ? req : null,
        headersTimeout: forward.responseTimeoutMs,
        bodyTimeout: forward.responseTimeoutMs,
      },
      handler,
    );
  });
}
