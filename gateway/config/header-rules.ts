// Which headers the gateway decides itself, and which header names and values it can send: one rule for the
// proxy, for the request parameters a secret adds (gateway/security/request-parameters.ts), and for the service
// form, which checks the headers typed into it with the same words before anything is written.
// No Node modules here: the renderer imports this too.
import { HTTP_TOKEN } from './http-token';

// RFC 9110 §7.6.1 connection-specific fields, plus ones undici refuses to send on its own.
export const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization',
  // RFC 9110 §11.7.2: for the next hop only, like Proxy-Authenticate; the gateway is that hop.
  'proxy-authentication-info',
  'te', 'trailer', 'transfer-encoding', 'upgrade', 'expect', 'host',
  // Addressed to the gateway (production/sandbox choice), not to the backend.
  'x-gatehouse-environment',
]);

/** A lower-case header name the gateway never passes on, in either direction. */
export function isHopByHop(lowerName: string): boolean {
  return HOP_BY_HOP.has(lowerName);
}

/**
 * Identity headers only the gateway may set: a client sending them is spoofing. Besides the three Gatehouse sets,
 * every `X-Consumer-*` and `X-Credential-*` (APISIX's X-Consumer-Custom-Id, Kong's X-Consumer-Groups, …): an
 * upstream written for those gateways trusts them.
 */
export function isIdentityHeader(lowerName: string): boolean {
  return lowerName.startsWith('x-consumer-') || lowerName.startsWith('x-credential-') || lowerName === 'x-anonymous-consumer';
}

/**
 * Fields the gateway writes itself on the upstream request, over or after a client's: the client's address, scheme,
 * host and port, and the endpoint's CSRF token. An upstream takes them as the gateway's word.
 */
const SET_BY_GATEWAY: ReadonlySet<string> = new Set([
  'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port', 'x-real-ip', 'x-csrf-token',
]);

/**
 * Fields through which a client could name another path than the one the gateway routed and authorised, or the
 * prefix a backend builds its links on: IIS's URL Rewrite and Symfony read X-Original-URL / X-Rewrite-URL as the
 * request's path (CVE-2018-14773: a route protected by path at the gateway reached through a public one), and
 * Spring's and Symfony's forwarded-header support take X-Forwarded-Prefix as where the app is mounted. The gateway
 * sets none of them, so a client's never pass for a proxy's.
 */
export const PATH_OVERRIDE_HEADERS: readonly string[] = ['x-original-url', 'x-rewrite-url', 'x-forwarded-prefix', 'x-forwarded-path'];

/**
 * Fields in which a TLS-terminating proxy tells the backend which client certificate the caller presented: Envoy's
 * and Istio's X-Forwarded-Client-Cert, RFC 9440's Client-Cert and Client-Cert-Chain, ingress-nginx's
 * `auth-tls-pass-certificate-to-upstream` fields, Traefik's `passTLSClientCert` ones. A backend behind such a proxy
 * takes them as the caller's verified identity. The gateway terminates no client TLS, so none of them can be its
 * word: a client's are removed and none is set, as Envoy's default `forward_client_cert_details: SANITIZE` does for
 * a connection that is not mutual TLS (Istio and Kyma's gateway behind it sanitise them the same way).
 */
export const CLIENT_CERTIFICATE_HEADERS: readonly string[] = [
  'x-forwarded-client-cert', 'client-cert', 'client-cert-chain',
  'ssl-client-cert', 'ssl-client-verify', 'ssl-client-subject-dn', 'ssl-client-issuer-dn',
  'x-forwarded-tls-client-cert', 'x-forwarded-tls-client-cert-info',
];

/**
 * Whether a client's header, whose lower-case name holds a `_`, is another spelling of one the gateway strips or
 * sets (identity, hop-by-hop, forwarding, client-certificate or CSRF fields). CGI, WSGI and Rack servers read `_` and `-` as the same
 * (both become `HTTP_X_CONSUMER_ID`; wsgiref, PHP's CGI, Puma before 6.4.3: CVE-2024-45614), so `X_Consumer_ID`
 * would reach such a backend as the gateway's `X-Consumer-ID`, or `X_Forwarded_For` overwrite the address the
 * gateway appended. Called only for names with a `_`, so most requests never build the dashed name.
 */
export function isUnderscoreSpellingOfGatewayHeader(lowerName: string): boolean {
  const dashed = lowerName.replaceAll('_', '-');
  return isIdentityHeader(dashed) || HOP_BY_HOP.has(dashed) || SET_BY_GATEWAY.has(dashed) || PATH_OVERRIDE_HEADERS.includes(dashed)
    || CLIENT_CERTIFICATE_HEADERS.includes(dashed);
}

const LINE_BREAK_OR_NUL = /[\r\n\0]/;
// RFC 9110 §5.5 field-value characters, as Node's own header check accepts them.
const INVALID_FIELD_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/**
 * What is wrong with a header name a secret's request parameters would add, or undefined. `earlier`: the
 * lower-case names already listed (names ignore case, so `X-Key` after `x-key` is the same header twice).
 */
export function parameterHeaderNameProblem(name: string, earlier: Iterable<string> = []): string | undefined {
  if (!HTTP_TOKEN.test(name)) return "not a valid header name: letters, digits and ! # $ % & ' * + - . ^ _ ` | ~ only, no spaces (RFC 9110 token)";
  const lower = name.toLowerCase();
  if (lower === 'content-length' || isIdentityHeader(lower) || isHopByHop(lower)) return 'this header is set by the gateway and cannot be added';
  for (const other of earlier) if (other === lower) return 'the same header is listed twice (header names ignore case)';
  return undefined;
}

/** What is wrong with a header value a secret's request parameters would add, or undefined. */
export function parameterHeaderValueProblem(value: string): string | undefined {
  // A line break would let the secret smuggle a second header or a second request.
  if (LINE_BREAK_OR_NUL.test(value)) return 'contains a line break or NUL';
  if (INVALID_FIELD_VALUE.test(value)) return 'a header value may hold tabs and printable Latin-1 characters only: no emoji, no other control characters, nothing beyond U+00FF';
  return undefined;
}
