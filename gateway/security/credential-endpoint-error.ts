// A credential endpoint the gateway calls on its own (an OAuth token endpoint, a CSRF token endpoint) could
// not give it what the backend call needs. One class for both: the caller answers 502 with the message
// either way; `code` still says which kind of endpoint failed, and `failure` how.
import { GatehouseError } from '../errors/gatehouse-error';

export type CredentialEndpointKind = 'oauth-token' | 'csrf-token';

export type CredentialEndpointFailure =
  | 'unreachable'
  /** Reached, and it answered in a way HTTP does not allow (upstream-errors.ts). */
  | 'misbehaved'
  /** Reached, and its TLS certificate was not accepted. */
  | 'untrusted'
  /** Reached, and it refused the TLS handshake (a client certificate it wanted or did not accept). */
  | 'refused'
  | 'timeout'
  | 'http-status'
  /** OAuth: the token response cannot be used. */
  | 'invalid-response'
  /** CSRF: the answer carried no usable X-CSRF-Token header. */
  | 'no-token';

const CODES = { 'oauth-token': 'GATEHOUSE_TOKEN_ENDPOINT', 'csrf-token': 'GATEHOUSE_CSRF_TOKEN' } as const;

/** The code for an answer the gateway could not use, which comes with none of its own. */
const UNUSABLE_ANSWER_CODES: Partial<Record<CredentialEndpointFailure, string>> = {
  'invalid-response': 'INVALID_TOKEN_RESPONSE',
  'no-token': 'NO_CSRF_TOKEN',
};

export class CredentialEndpointError extends GatehouseError {
  readonly code: (typeof CODES)[CredentialEndpointKind];
  /** What the gateway answers its client. */
  readonly status = 502;
  constructor(
    readonly kind: CredentialEndpointKind,
    /** Origin and path of the endpoint: its query may carry parameters from a secret. */
    readonly tokenEndpoint: string,
    readonly failure: CredentialEndpointFailure,
    /** The endpoint's HTTP status, when it answered. */
    readonly upstreamStatus: number | undefined,
    message: string,
    /** What the endpoint did, the message's words after the endpoint's name: `answered HTTP 401 (invalid_client)`. */
    readonly reason: string = message,
    /** undici's or the OS's code when the call itself failed (`ECONNREFUSED`), as CallFailure has it. */
    readonly callCode?: string,
    /** OAuth: the `error` of a token error response (RFC 6749 §5.2), registered codes only (`invalid_client`). */
    readonly oauthError?: string,
  ) {
    super(message);
    this.name = 'CredentialEndpointError';
    this.code = CODES[kind];
  }

  /**
   * What failed, as a code for the log (`code` says only which kind of endpoint): the call's (`ECONNREFUSED`,
   * `CERT_HAS_EXPIRED`, `GATEHOUSE_CALL_DEADLINE`), the endpoint's OAuth `error` (`invalid_client`), one for an
   * answer that could not be used; none for an HTTP status that came without an OAuth error.
   */
  get causeCode(): string | undefined {
    return this.callCode ?? this.oauthError ?? UNUSABLE_ANSWER_CODES[this.failure];
  }
}
