// RFC 9110 §5.6.2 token: a header field's name (§5.1), a cookie's name (RFC 6265 §4.1.1), a parameter value that
// needs no quotes (RFC 7239 §4). One rule for the config's checks, the proxy and the CSRF cookies alike.
export const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
