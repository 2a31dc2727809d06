import { GatehouseError } from '../errors/gatehouse-error';

/**
 * A failed upstream call, mapped to the status the client sees: 502/504 when the upstream could not be reached or
 * failed, 500 when the gateway could not even put the request together (its own fault, said as such). Never
 * carries a secret.
 */
export class UpstreamError extends GatehouseError {
  constructor(
    readonly status: 500 | 502 | 504,
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}

// undici's and the OS's codes for a call that took too long: the gateway answers 504, its own calls say "timed out".
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);

export function isTimeoutCode(code: string): boolean {
  return TIMEOUT_CODES.has(code);
}

/** undici's or the OS's code for a failed call (on the error or its cause), or `UNKNOWN`. */
export function errorCode(error: unknown): string {
  const e = error as { code?: unknown; cause?: { code?: unknown } } | undefined;
  const code = e?.code ?? e?.cause?.code;
  return typeof code === 'string' ? code : 'UNKNOWN';
}

/** undici and Node refusing the request the gateway built (a header value it cannot send, say) before any I/O. */
const GATEWAY_FAULT_CODES = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED', 'ERR_INVALID_CHAR', 'ERR_HTTP_INVALID_HEADER_VALUE', 'ERR_INVALID_ARG_TYPE', 'ERR_INVALID_ARG_VALUE']);

export function toUpstreamError(error: unknown, upstreamLabel: string): UpstreamError {
  if (error instanceof UpstreamError) return error;
  const code = errorCode(error);
  if (GATEWAY_FAULT_CODES.has(code)) return new UpstreamError(500, `Internal gateway error: the request for upstream ${upstreamLabel} could not be built (${code})`, code);
  if (TIMEOUT_CODES.has(code)) return new UpstreamError(504, `Upstream ${upstreamLabel} timed out (${code})`, code);
  return new UpstreamError(502, `Upstream ${upstreamLabel} unreachable (${code})`, code);
}
