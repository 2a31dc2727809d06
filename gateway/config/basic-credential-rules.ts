// What a Basic user-id and password may hold (RFC 7617 §2): one rule for the gateway (a client's header, a
// consumer's login, the credentials it sends a backend) and for the service form, which checks credentials typed
// into it with the same words before anything is written. No Node modules here: the renderer imports this too.
import { loneSurrogateProblem } from './lone-surrogates';

/** RFC 5234 CTL: %x00-1F / %x7F. */
export function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/**
 * Why RFC 7617 §2 cannot carry this user-id, or undefined: the first colon ends it, it has no control characters, and
 * it is sent as UTF-8 (§2.1), which a lone surrogate has no form in.
 */
export function basicUserIdProblem(username: string): string | undefined {
  if (username.includes(':')) return 'contains ":", which ends a Basic user-id (RFC 7617)';
  if (hasControlCharacter(username)) return 'contains control characters (RFC 7617)';
  return loneSurrogateProblem(username);
}

/** Why RFC 7617 §2 cannot carry this password, or undefined. */
export function basicPasswordProblem(password: string): string | undefined {
  return hasControlCharacter(password) ? 'contains control characters (RFC 7617)' : loneSurrogateProblem(password);
}
