// What to do when the backend rejects a credential the gateway cached: an OAuth token revoked or expired early, or
// a CSRF token whose session ended. The cached credential is dropped and the request is sent once more, never
// twice: a backend that always says no costs one extra call and one token fetch per request (the next request
// drops the token its retry cached), never more, since fresh credentials it rejects on the retry stay cached.
//
// Which statuses reject what, as Kyma's Application Gateway retries (retryableroundtripper.go):
// - a request sent with an OAuth token and answered 401 or 403: backends differ in which of the two an invalid or
//   under-privileged token gets (RFC 6750 §3.1 says 401 for invalid_token, 403 for insufficient_scope, and a
//   token fetched again may carry the scope granted since), so the token goes, and with it the CSRF session
//   opened with it: both are fetched again;
// - a request with a CSRF token but no OAuth token, answered 403: only the CSRF token goes.
// Fixed credentials (Basic, a client certificate) are never retried: the same credentials would be sent again.

export interface CredentialRejectionInput {
  /** The backend's status for this attempt. */
  status: number;
  /** 0 for the first attempt. */
  attempt: number;
  /** The request carried a token from the OAuth token cache. */
  usedOAuthToken: boolean;
  /** The request carried a token from the CSRF token store. */
  usedCsrfToken: boolean;
  /** The body was buffered (or there was none); a streamed body is gone after the first attempt. */
  bodyReplayable: boolean;
}

export interface CredentialRejection {
  invalidateOAuthToken: boolean;
  invalidateCsrfToken: boolean;
  /** Send the request once more with fresh credentials; false when the body cannot be sent again. */
  retry: boolean;
}

/** `undefined` when the answer is not a rejection of a cached credential and passes through as it is. */
export function credentialRejection(input: CredentialRejectionInput): CredentialRejection | undefined {
  if (input.attempt > 0) return undefined;
  if ((input.status === 401 || input.status === 403) && input.usedOAuthToken) {
    // The CSRF session was opened with the rejected token, so it goes too.
    return { invalidateOAuthToken: true, invalidateCsrfToken: input.usedCsrfToken, retry: input.bodyReplayable };
  }
  if (input.status === 403 && input.usedCsrfToken) {
    return { invalidateOAuthToken: false, invalidateCsrfToken: true, retry: input.bodyReplayable };
  }
  return undefined;
}
