// Extra headers and query parameters for an OAuth token request, read from keys of the client's own secret.
// Kyma's OAuth secrets carry them (`headers`, `queryParameters`) for token endpoints that want e.g. a tenant or
// an API key beside the client credentials; Kyma sends them on the token request only, not to the backend.
// They are checked when the config is compiled; messages name the secret and key, never a value.
import type { OAuth2ClientCredentialsSecurity } from '../config/endpoint-security-schema';
import { secretId } from '../config/secret-names';
import { EMPTY_REQUEST_PARAMETERS, RequestParametersError, parseRequestParameters, type RequestParameters } from './request-parameters';

/** Reads one key of a secret; `undefined` when the secret does not have it. */
export type OptionalSecretKeyReader = (ref: { name: string; namespace?: string }, key: string) => Promise<string | undefined>;

/**
 * Headers the token request decides itself: its body's type, and its client authentication, since a client
 * uses one method only (RFC 6749 §2.3.1) and a second Authorization would be a second one.
 */
const TOKEN_REQUEST_OWN_HEADERS = new Set(['authorization', 'content-type']);

/** The token request parameters an OAuth security names; empty when it names no keys or the secret lacks them. */
export async function tokenRequestParameters(security: OAuth2ClientCredentialsSecurity, readOptionalKey: OptionalSecretKeyReader): Promise<RequestParameters> {
  const { tokenRequestHeadersKey: headersKey, tokenRequestQueryParametersKey: queryKey } = security;
  if (headersKey === undefined && queryKey === undefined) return EMPTY_REQUEST_PARAMETERS;
  const ref = { name: security.secret, namespace: security.namespace };
  const label = (key: string) => `secret "${secretId(ref)}" key "${key}"`;
  const headers = headersKey === undefined ? undefined : await readOptionalKey(ref, headersKey);
  const queryParameters = queryKey === undefined ? undefined : await readOptionalKey(ref, queryKey);
  const parsed = parseRequestParameters({ headers, queryParameters }, { headers: label(headersKey ?? ''), queryParameters: label(queryKey ?? '') });
  for (const name of parsed.headers.keys()) {
    if (TOKEN_REQUEST_OWN_HEADERS.has(name)) {
      const field = `${label(headersKey!)}[${JSON.stringify(name)}]`;
      throw new RequestParametersError(field, `${field}: the token request sets this header itself (content type and client authentication) and cannot take it from the secret`);
    }
  }
  return parsed;
}
