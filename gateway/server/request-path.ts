import { isUtf8 } from 'node:buffer';
import { routingHostname } from '../routing/router';
import { ESCAPE, normalizeEscapes, resolvedPath, withoutEmptySegments } from '../config/route-paths';

export type RequestTarget =
  | {
      ok: true;
      /** Normalised: starts with "/", dot segments resolved, empty segments merged. */
      path: string;
      /** The raw query, with its "?", or "". */
      query: string;
      /**
       * An absolute-form target's (`GET http://host:port/path`) host name as routes match it (`routingHostname`),
       * and its host and port as the client named them: RFC 9112 §3.2.2 has them stand in for the Host header.
       */
      hostname?: string;
      authority?: string;
    }
  /** `asteriskForm`: the target was `*` (RFC 9112 §3.2.4), which names the server, not a path: only OPTIONS may use it. */
  | { ok: false; message: string; asteriskForm?: true };

const ASTERISK_FORM = { ok: false, message: 'The asterisk-form target (*) is only for OPTIONS', asteriskForm: true } as const;

const MALFORMED_ESCAPE = /%(?![0-9A-Fa-f]{2})/;

/** One round of percent-decoding, byte for byte (never throws, whatever the bytes encode). */
function decodeOnce(path: string): string {
  return path.replace(ESCAPE, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/**
 * Whether a segment is "." or "..", also with path parameters (`..;a=b`): Tomcat and Spring drop the parameters
 * and then resolve the dot segment, a step out of the route's prefix.
 */
function hasDotSegment(path: string): boolean {
  for (const segment of path.split(/[/\\]/)) {
    const semicolon = segment.indexOf(';');
    const name = semicolon < 0 ? segment : segment.slice(0, semicolon);
    if (name === '.' || name === '..') return true;
  }
  return false;
}

/**
 * Whether decoding the path — once, or again for a backend that decodes twice — yields a dot segment (`..%2f`,
 * `%2e%2e%5c`, `%252e%252e%252f`, `%2e%2e;x`), a NUL, or bytes that are not UTF-8: overlong forms such as `%c0%ae`
 * (".") and `%c0%af` ("/") are read as dots and slashes by lenient decoders. Literal and `%2e` dot segments without
 * parameters never get here: URL parsing has resolved them.
 */
function hidesDotSegments(path: string): string | undefined {
  let decoded = path;
  for (let round = 0; round < 3 && decoded.includes('%'); round += 1) {
    decoded = decodeOnce(decoded);
    if (decoded.includes('\0') || hasDotSegment(decoded)) return 'The request path has encoded dot segments or separators';
    if (!isUtf8(Buffer.from(decoded, 'latin1'))) return 'The request path has percent-encoded bytes that are not UTF-8';
  }
  return undefined;
}

const PATH_PARAMETERS = /;[^/]*/g;
const SEPARATOR_OR_PERCENT_ESCAPE = /%(2F|5C|25)/gi;
const HAS_SEPARATOR_OR_PERCENT_ESCAPE = /%(2F|5C|25)/i;

/**
 * The path as a backend that decodes escaped separators reads it, for routing's second look: `%2F` and `%5C` as
 * "/" (also escaped again, `%252F`, for a backend that decodes twice, as `hidesDotSegments` assumes), backslashes
 * as "/", and the empty segments that makes merged as in the path itself (`/%2Fadmin` is `/admin`). undefined when
 * that is the path itself. An escaped "/" stays in the path the upstream gets (some APIs carry it as data:
 * `projects/group%2Fproject`), but a request whose route would change if it were a separator is refused: routing
 * could not honour what the backend will act on (`/admin%2Fsecret` past `/admin` through `/`). Path parameters are
 * dropped from each segment, as servlet containers do (`/admin;x/secret` past `/admin` through `/` to a Tomcat).
 */
export function pathAsDecoded(path: string): string | undefined {
  if (!path.includes('%') && !path.includes('\\') && !path.includes(';')) return undefined;
  let decoded = path;
  for (let round = 0; round < 3 && HAS_SEPARATOR_OR_PERCENT_ESCAPE.test(decoded); round += 1) {
    decoded = decoded.replace(SEPARATOR_OR_PERCENT_ESCAPE, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
  decoded = withoutEmptySegments(decoded.replace(/\\/g, '/'));
  // Tomcat and Spring drop a segment's path parameters before routing: they read `/admin;x/y` as `/admin/y`.
  if (decoded.includes(';')) decoded = withoutEmptySegments(decoded.replace(PATH_PARAMETERS, ''));
  return decoded === path ? undefined : decoded;
}

/**
 * Splits a request target into a normalised path (dot segments resolved, empty segments merged) and the raw query,
 * or says why the gateway refuses it: a target that is neither origin-form nor http(s) absolute-form, a fragment,
 * malformed or separator-hiding percent-encoding. Asterisk-form comes back refused too, marked as such: the caller
 * answers it for OPTIONS.
 */
export function parseRequestTarget(target: string): RequestTarget {
  if (target.includes('#')) return { ok: false, message: 'The request target must not contain a fragment (#)' };
  const q = target.indexOf('?');
  let path = q < 0 ? target : target.slice(0, q);
  const query = q < 0 ? '' : target.slice(q);
  let host: { hostname: string; authority: string } | undefined;
  if (!path.startsWith('/')) {
    // Asterisk-form (§3.2.4) names no resource; only OPTIONS may send it, and the gateway answers that itself.
    if (target === '*') return ASTERISK_FORM;
    // Absolute-form (RFC 9112 §3.2.2); authority-form has no route.
    const url = URL.canParse(target) ? new URL(target) : undefined;
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.username !== '' || url.password !== '' || !url.hostname) {
      return { ok: false, message: 'The request target must be a path or an http(s) URL' };
    }
    const hostname = routingHostname(url.hostname);
    if (hostname === undefined) return { ok: false, message: 'The request target names no valid host' };
    path = withoutEmptySegments(url.pathname);
    host = { hostname, authority: url.host };
  } else {
    // In the form configured paths are read in (schema.ts): routes match it, and the upstream gets it.
    path = resolvedPath(path);
  }
  if (path.includes(';') && hasDotSegment(path)) return { ok: false, message: 'The request path has a dot segment with parameters' };
  if (path.includes('%')) {
    if (MALFORMED_ESCAPE.test(path)) return { ok: false, message: 'The request path has a malformed percent-encoding' };
    const hidden = hidesDotSegments(path);
    if (hidden) return { ok: false, message: hidden };
    path = normalizeEscapes(path);
  }
  return host === undefined ? { ok: true, path, query } : { ok: true, path, query, ...host };
}
