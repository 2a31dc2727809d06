/** A failure reaching the upstream, mapped to the status the client sees. Never carries a secret. */
import { GatehouseError } from '../errors/gatehouse-error';
export class UpstreamError extends GatehouseError {
  constructor(
    readonly status: 502 | 504,
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);

function errorCode(error: unknown): string {
  const e = error as { code?: unknown; cause?: { code?: unknown } } | undefined;
  const code = e?.code ?? e?.cause?.code;
  return typeof code === 'string' ? code : 'UNKNOWN';
}

export function toUpstreamError(error: unknown, upstreamLabel: string): UpstreamError {
  if (error instanceof UpstreamError) return error;
  const code = errorCode(error);
  if (TIMEOUT_CODES.has(code)) return new UpstreamError(504, `Upstream ${upstreamLabel} timed out (${code})`, code);
  return new UpstreamError(502, `Upstream ${upstreamLabel} unreachable (${code})`, code);
}
