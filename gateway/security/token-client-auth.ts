// How the gateway authenticates as an OAuth client on a token request (RFC 6749 §2.3.1).
//
// A workspace service chooses one of the RFC's two methods (`clientAuth`): `client_secret_basic`, a Basic header of
// the form-urlencoded id and secret, or `client_secret_post`, both in the form body. The RFC says a client MUST NOT
// use more than one method in a request.
//
// A Kyma Application's OAuth entry is sent both ways at once, deliberately, because that is how Kyma's Application
// Gateway sends it (components/central-application-gateway/pkg/authorization/oauth/oauthclient.go requestToken):
// `client_id` and `client_secret` in the form, and a Basic header of the id and secret as they are, not
// form-urlencoded (pkg/authorization/util/util.go AddBasicAuthHeader). Token endpoints built for Kyma read only one
// of the two — Kyma's own test token endpoint reads only the form and answers 403 otherwise (tests/internal/testkit/
// test-api/oauth.go isRequestValid) — so an Application that is to be served as Kyma serves it sends both. Workspace
// services keep their own choice.
//
// `tls_client_auth` (RFC 8705 §2.1.1) authenticates with the client's certificate in the TLS handshake (the token
// endpoint's dispatcher presents it, outbound-security.ts); the request carries only `client_id`, as Kyma's
// OAuthWithCert token request does (oauthclient.go requestTokenMTLS).
import type { ClientAuthMethod } from '../config/endpoint-security-schema';

/** A workspace service's `clientAuth`, or `kyma`: the way Kyma's Application Gateway sends an Application's credentials. */
export type TokenClientAuth = ClientAuthMethod | 'kyma';

/** application/x-www-form-urlencoded encoding of one value, as RFC 6749 §2.3.1 requires before Basic encoding. */
function formEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`, 'utf8').toString('base64')}`;
}

/** Puts the client's credentials on a token request: its `authorization` header, its form fields, or both. */
export function authenticateTokenRequest(
  method: TokenClientAuth,
  client: { clientId: string; clientSecret: string },
  headers: Record<string, string | string[]>,
  form: URLSearchParams,
): void {
  if (method === 'client_secret_basic') {
    headers.authorization = basic(formEncode(client.clientId), formEncode(client.clientSecret));
    return;
  }
  if (method === 'tls_client_auth') {
    form.set('client_id', client.clientId);
    return;
  }
  form.set('client_id', client.clientId);
  form.set('client_secret', client.clientSecret);
  if (method === 'kyma') headers.authorization = basic(client.clientId, client.clientSecret);
}
