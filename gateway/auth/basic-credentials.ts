// RFC 7617 parsing of `Authorization: Basic <token68>`.
// Deliberately strict where APISIX and Kong are lenient: the scheme must start the value, the token must be
// canonical padded base64 with nothing after it, the decoded bytes must be valid UTF-8 (a leading BOM is kept as
// a character, not dropped), and user-id and password must not contain control characters (RFC 7617 §2; in the
// UTF-8 the challenge announces, the C1 controls too: hasUnicodeControlCharacter).
import { basicPasswordProblem, basicUserIdProblem, hasUnicodeControlCharacter, signInPasswordProblem, signInUserIdProblem } from '../config/basic-credential-rules';

// The rules live in config/, where the service form imports them too; the gateway's modules read them from here.
export { basicPasswordProblem, basicUserIdProblem };

export type ParsedBasicCredentials =
  | { kind: 'credentials'; username: string; password: string }
  /**
   * A well-formed header whose user-id or password holds a control character (`bar:bar\n`, say). RFC 7617 §2
   * forbids them, and no stored credential has one (unpresentableCredentials), so these are credentials that
   * cannot match, answered like a wrong password as APISIX does, not a malformed header.
   */
  | { kind: 'control-characters' }
  | { kind: 'invalid' };

const BASIC_HEADER = /^basic[ \t]+([A-Za-z0-9+/]+={0,2})[ \t]*$/i;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The token68 of a `Basic` Authorization value, if it has the shape of one (not yet decoded or checked). */
export function basicToken(value: string): string | undefined {
  const token = BASIC_HEADER.exec(value)?.[1];
  return token && token.length % 4 === 0 ? token : undefined;
}

export function parseBasicAuthorization(value: string): ParsedBasicCredentials {
  const token = basicToken(value);
  if (!token) return { kind: 'invalid' };
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
  if (colon < 0) return { kind: 'invalid' };
  if (hasUnicodeControlCharacter(decoded)) return { kind: 'control-characters' };
  return { kind: 'credentials', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Why a client could never present this user-id and password in a Basic header that parseBasicAuthorization
 * accepts, or undefined if it can (and a consumer's password must not be empty).
 */
export function unpresentableCredentials(username: string, password: string): string | undefined {
  const userIdProblem = signInUserIdProblem(username);
  if (userIdProblem) return `the username ${userIdProblem}`;
  if (password === '') return 'the password is empty';
  const passwordProblem = signInPasswordProblem(password);
  return passwordProblem && `the password ${passwordProblem}; no client can send it`;
}

/** The canonical token68 for a user-id and password: base64 of their UTF-8, padded. */
export function encodeBasicToken(username: string, password: string): string {
  return Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
}

export function encodeBasicAuthorization(username: string, password: string): string {
  return `Basic ${encodeBasicToken(username, password)}`;
}
