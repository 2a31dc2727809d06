// Stage 7, answer failures: what the client gets when forwarding threw before anything was sent to it.
import type { ServerResponse } from 'node:http';
import type { Limits } from '../config/schema';
import { sendJson, sendMessage } from '../http/json-response';
import { sendRefusal } from '../http/refusal';
import type { Exchange } from '../log/exchange';
import type { RequestLogEntry } from '../log/request-log';
import { BodyTooLargeError } from '../proxy/body-limit';
import { UpstreamError } from '../proxy/upstream-errors';
import { CredentialEndpointError } from '../security/credential-endpoint-error';
import { bodyTooLarge } from './admission';
import { CLIENT_GONE } from '../proxy/client-gone';

/** Kyma's Application Gateway's error body (internal/httperrors/httperrors.go: ErrorResponse), for its clients. */
function sendKymaError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { code: status, error: message });
}

/**
 * The log line says which endpoint failed and how, not only that one did: a revoked client secret
 * (`invalid_client`) and an outage (`ECONNREFUSED`) call for different people. `error` stays the kind's code.
 */
export function logCredentialEndpointFailure(entry: RequestLogEntry, error: CredentialEndpointError): void {
  entry.error = error.code;
  entry.tokenEndpoint = error.tokenEndpoint;
  if (error.upstreamStatus !== undefined) entry.tokenEndpointStatus = error.upstreamStatus;
  const cause = error.causeCode;
  if (cause !== undefined) entry.tokenEndpointError = cause;
}

/**
 * `kymaErrors`: the service answers as Kyma's Application Gateway (`targetErrors: kyma`), so a failure of the call
 * (an unreachable target, a token endpoint's refusal) comes as `{"code": <status>, "error": "<message>"}`, the
 * shape Kyma's clients read, instead of the gateway's `{"message": …}`. Same status, same message.
 */
export function answerFailure(res: ServerResponse, error: unknown, exchange: Exchange, limits: Limits, upstreamLabel: string, kymaErrors = false): void {
  // An answer that comes before the client's body has all arrived ends the connection (RFC 9112 §9.6): kept alive,
  // the client would have to send the rest for nothing (nobody reads it), or wait for a stray 408. Whatever failed:
  // the upstream early, a token or CSRF endpoint, the gateway itself.
  if (!res.req.complete && !res.headersSent) res.setHeader('connection', 'close');
  if (error instanceof BodyTooLargeError) {
    exchange.entry.error = 'BODY_TOO_LARGE';
    const refusal = bodyTooLarge(limits);
    exchange.recorder?.answeredFailure(refusal.message);
    return sendRefusal(res, refusal);
  }
  const send = kymaErrors ? sendKymaError : sendMessage;
  if (error instanceof CredentialEndpointError) {
    logCredentialEndpointFailure(exchange.entry, error);
    exchange.recorder?.credentialEndpointFailed(error);
    exchange.recorder?.answeredFailure(error.message);
    return send(res, error.status, error.message);
  }
  if (error instanceof UpstreamError) {
    exchange.entry.error = error.code;
    exchange.recorder?.answeredFailure(error.message);
    return send(res, error.status, error.message);
  }
  // The client's connection failed while its body was being read: there is nobody to answer.
  if (res.destroyed) {
    exchange.entry.error = CLIENT_GONE;
    return;
  }
  // Not an upstream call's failure (those are UpstreamErrors): the gateway's own, said as such.
  exchange.entry.error = 'GATEWAY_ERROR';
  const message = `Internal gateway error while forwarding to ${upstreamLabel}`;
  exchange.recorder?.answeredFailure(message);
  send(res, 500, message);
}
