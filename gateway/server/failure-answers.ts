// Stage 7, answer failures: what the client gets when forwarding threw before anything was sent to it.
import type { ServerResponse } from 'node:http';
import type { Limits } from '../config/schema';
import { sendMessage } from '../http/json-response';
import { sendRefusal } from '../http/refusal';
import type { Exchange } from '../log/exchange';
import { BodyTooLargeError } from '../proxy/body-limit';
import { UpstreamError } from '../proxy/upstream-errors';
import { CredentialEndpointError } from '../security/credential-endpoint-error';
import { bodyTooLarge } from './admission';

export function answerFailure(res: ServerResponse, error: unknown, exchange: Exchange, limits: Limits, upstreamLabel: string): void {
  if (error instanceof BodyTooLargeError) {
    exchange.entry.error = 'BODY_TOO_LARGE';
    return sendRefusal(res, bodyTooLarge(limits));
  }
  if (error instanceof CredentialEndpointError) {
    exchange.entry.error = error.code;
    return sendMessage(res, error.status, error.message);
  }
  if (error instanceof UpstreamError) {
    exchange.entry.error = error.code;
    return sendMessage(res, error.status, error.message);
  }
  // The client's connection failed while its body was being read: there is nobody to answer.
  if (res.destroyed) {
    exchange.entry.error = 'CLIENT_GONE';
    return;
  }
  // Not an upstream call's failure (those are UpstreamErrors): the gateway's own, said as such.
  exchange.entry.error = 'GATEWAY_ERROR';
  sendMessage(res, 500, `Internal gateway error while forwarding to ${upstreamLabel}`);
}
