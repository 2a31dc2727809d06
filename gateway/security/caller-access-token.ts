// Kyma's Application Gateway lets a caller bring its own backend credential: a request with an `Access-Token`
// header has that value sent as `Authorization` (the header itself removed), and the endpoint's own Basic
// credentials or OAuth token are then not applied (pkg/authorization/externaltokenstrategy.go). Services opt in
// with `acceptAccessToken`; those of Kyma applications do. What else the endpoint adds stays: request
// parameters, a CSRF token (fetched with the endpoint's own credentials, as Kyma fetches it), and a client
// certificate, which belongs to the TLS connection rather than to the request.
import type { OutgoingHeaders } from '../proxy/forward-headers';
import type { OutboundSecurity } from './outbound-security';

export const ACCESS_TOKEN_HEADER = 'access-token';

/**
 * Moves a non-empty `Access-Token` to `Authorization` (header names lower case, as `upstreamRequestHeaders`
 * makes them); whether it did, so the endpoint's own authorization is left off.
 */
export function takeCallerAccessToken(headers: OutgoingHeaders): boolean {
  const value = headers[ACCESS_TOKEN_HEADER];
  if (typeof value !== 'string' || value === '') return false;
  delete headers[ACCESS_TOKEN_HEADER];
  headers.authorization = value;
  return true;
}

/** The endpoint's security without its own Authorization (Basic or OAuth): the caller's Access-Token is sent instead. */
export function withoutOwnAuthorization(security: OutboundSecurity): OutboundSecurity {
  const { authorization: _basic, oauth: _oauth, ...rest } = security;
  return { ...rest, credentialKind: 'caller-access-token' };
}
