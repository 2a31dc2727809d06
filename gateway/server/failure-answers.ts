// Stage 7, answer failures: what the client gets when forwarding threw before anything was sent to it.
import type { ServerResponse } from 'node:http';
import type { Limits } from '../config/schema';
import { sendMessage } from '../http/json-response';
import { sendRefusal } from '../http/refusal';
import type { Exchange } from '../log/exchange';
import { BodyTooLargeError } from '../proxy/body-limit';
import { UpstreamError } from '../proxy/upstream-errors';
import { CsrfTokenError } from '../security/csrf-token-store';
import { TokenEndpointError } from '../security/oauth-token-cache';
import { bodyTooLarge } from './admission';

export function answerFailure(res: ServerResponse, error: unknown, exchange: Exchange, limits: Limits, upstreamLabel: string): void {
  if (error instanceof BodyTooLargeError) {
    exchange.entry.error = 'BODY_TOO_LARGE';
    return sendRefusal(res, bodyTooLarge(limits));
  }
  if (error instanceof TokenEndpointError || error instanceof CsrfTokenError) {
    exchange.entry.error = error.code;
    return sendMessage(res, error.status, error.message);
  }
  const upstreamError = error instanceof UpstreamError ? error : new UpstreamError(502, `Upstream ${upstreamLabel} failed`, 'UNKNOWN');
  exchange.entry.error = upstreamError.code;
  sendMessage(res, upstreamError.status, upstreamError.message);
}
