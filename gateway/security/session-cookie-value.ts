// How a cookie a CSRF token endpoint set goes back to the backend in a Cookie header. Its value is read as a user
// agent reads it (RFC 6265 §5.2: everything up to the first ";", trimmed), which is laxer than the cookie-octets
// a server should send (§4.1.1): a session value with a space or a comma is still the session the token is bound to.
// It is sent as Kyma's Application Gateway (Go's net/http, Cookie.String) sends it: as it came when it holds
// cookie-octets only, in double quotes when it also holds a space or a comma, so that a server reads one value.
import { HTTP_TOKEN } from '../config/http-token';

// RFC 6265 §4.1.1 cookie-octets.
const COOKIE_OCTETS = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/;
// Cookie-octets, space and comma: what Go's net/http accepts in a value and sends quoted.
const QUOTABLE_OCTETS = /^[\x20-\x21\x23-\x3A\x3C-\x5B\x5D-\x7E]*$/;

export type CookieForHeader = { ok: true; value: string } | { ok: false; fault: 'name' | 'value'; problem: string };

/**
 * The form of `value` a Cookie header carries, or why none can: the problem names the kind of character at fault,
 * never the value (a session id is a credential).
 */
export function cookieForHeader(name: string, value: string): CookieForHeader {
  // A cookie's name must be a token (RFC 6265 §4.1.1) to be sent as one.
  if (!HTTP_TOKEN.test(name)) return { ok: false, fault: 'name', problem: 'its name is not an RFC 9110 token' };
  const quoted = value.length >= 2 && value.startsWith('"') && value.endsWith('"');
  const inner = quoted ? value.slice(1, -1) : value;
  if (COOKIE_OCTETS.test(inner)) return { ok: true, value };
  if (QUOTABLE_OCTETS.test(inner)) return { ok: true, value: `"${inner}"` };
  return { ok: false, fault: 'value', problem: `its value holds ${unsendable(inner)}` };
}

function unsendable(value: string): string {
  const codes = [...value].map((character) => character.codePointAt(0)!);
  if (codes.some((code) => code < 0x20 || code === 0x7f)) return 'a control character';
  if (codes.some((code) => code > 0x7f)) return 'a character outside ASCII';
  return 'a double quote or a backslash';
}
