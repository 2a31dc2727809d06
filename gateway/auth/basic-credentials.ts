// RFC 7617 parsing of `Authorization: Basic <token68>`.
// Deliberately strict where APISIX and Kong are lenient: the scheme must start the value, the token must be
// canonical padded base64 with nothing after it, the decoded bytes must be valid UTF-8 (a leading BOM is kept as
// a character, not dropped), and user-id and password must not contain control characters (RFC 7617 §2).

export type ParsedBasicCredentials =
  | { kind: 'credentials'; username: string; password: string }
  | { kind: 'invalid' };

const BASIC_HEADER = /^basic[ \t]+([A-Za-z0-9+/]+={0,2})[ \t]*$/i;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** RFC 5234 CTL: %x00-1F / %x7F. */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

export function parseBasicAuthorization(value: string): ParsedBasicCredentials {
  const match = BASIC_HEADER.exec(value);
  const token = match?.[1];
  if (!token || token.length % 4 !== 0) return { kind: 'invalid' };
  const bytes = Buffer.from(token, 'base64');
  // Buffer.from ignores bad padding; re-encoding proves the token was canonical.
  if (bytes.toString('base64') !== token) return { kind: 'invalid' };
  let decoded: string;
  try {
    decoded = utf8.decode(bytes);
  } catch {
    return { kind: 'invalid' };
  }
  const colon = decoded.indexOf(':');
  if (colon < 0 || hasControlCharacter(decoded)) return { kind: 'invalid' };
  return { kind: 'credentials', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export function encodeBasicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}
