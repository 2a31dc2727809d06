// How the gateway's own calls (token and CSRF endpoints) name what failed. Labels are origin and path only:
// a configured query may carry parameters from a secret.
import { callFailure, type CallFailure } from '../proxy/upstream-errors';

export function endpointLabel(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

/**
 * A whole call's deadline. undici's timeouts bound each wait (for the head, between two body chunks), not the
 * call: an endpoint that drips its answer a byte at a time would hold every request waiting for its token (one
 * fetch serves them all) for as long as it likes. Pass `signal` to the call and read a failure with `failureOf`,
 * saying whether the response head had arrived (`answered`): a connection lost while its body was being read was
 * lost after the endpoint answered, not "before answering".
 */
export function callDeadline(ms: number): { signal: AbortSignal; failureOf(error: unknown, answered?: boolean): CallFailure } {
  const signal = AbortSignal.timeout(ms);
  return {
    signal,
    failureOf: (error, answered = false) => {
      const failure = callFailure(error, answered);
      // undici's own timeout, when it fired first, names the wait that was too long.
      if (!signal.aborted || failure.kind === 'timeout') return failure;
      return { kind: 'timeout', code: 'GATEHOUSE_CALL_DEADLINE', text: `did not answer in full within ${ms / 1000} s (GATEHOUSE_CALL_DEADLINE)` };
    },
  };
}
