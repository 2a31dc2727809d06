// How the gateway's own calls (token and CSRF endpoints) name what failed. Labels are origin and path only:
// a configured query may carry parameters from a secret.
import { errorCode, isTimeoutCode } from '../proxy/upstream-errors';

export function endpointLabel(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

export interface CallFailure {
  kind: 'timeout' | 'unreachable';
  /** undici's or the OS's error code, e.g. `ECONNREFUSED`, `UND_ERR_HEADERS_TIMEOUT`, `UNABLE_TO_VERIFY_LEAF_SIGNATURE`. */
  code: string;
}

export function callFailure(error: unknown): CallFailure {
  const code = errorCode(error);
  return { kind: isTimeoutCode(code) ? 'timeout' : 'unreachable', code };
}

/** `timed out (CODE)` or `unreachable (CODE)`, for messages. */
export function describeCallFailure(failure: CallFailure): string {
  return `${failure.kind === 'timeout' ? 'timed out' : 'unreachable'} (${failure.code})`;
}
