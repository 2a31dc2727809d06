// What a Basic user-id and password may hold (RFC 7617 §2): one rule for the gateway (a client's header, a
// consumer's login, the credentials it sends a backend) and for the service form, which checks credentials typed
// into it with the same words before anything is written. No Node modules here: the renderer imports this too.
import { loneSurrogateProblem } from './lone-surrogates';

/** DEL, the last ASCII control; the C1 controls follow it up to U+009F. */
const DEL = 0x7f;
const LAST_C1 = 0x9f;

/** Whether `text` holds a C0 control, or one from DEL up to `lastControl`. */
function hasControlUpTo(text: string, lastControl: number): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || (code >= DEL && code <= lastControl)) return true;
  }
  return false;
}

/** RFC 5234 CTL: %x00-1F / %x7F. */
export function hasControlCharacter(text: string): boolean {
  return hasControlUpTo(text, DEL);
}

/**
 * Any Unicode control character (general category Cc): RFC 5234's CTL and the C1 controls U+0080–U+009F. A client
 * signing in to the gateway sends UTF-8 (its challenge says `charset="UTF-8"`), which RFC 7617 §2.1 ties to the
 * PRECIS profiles of RFC 8265, and those refuse every Cc (RFC 8264 §9.11): a C1 control in a name or password is
 * almost always text decoded in the wrong charset (`…` read from windows-1252 as U+0085).
 */
export function hasUnicodeControlCharacter(text: string): boolean {
  return hasControlUpTo(text, LAST_C1);
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

/**
 * Why a client signing in to the gateway could not send this password, or undefined: RFC 7617's rule, and no C1
 * control either, since the gateway reads a client's header as the UTF-8 its challenge announces
 * (hasUnicodeControlCharacter). A consumer's password is checked with it before it is stored: in the consumer
 * form, before anything is written, and by the gateway's credential store.
 */
export function signInPasswordProblem(password: string): string | undefined {
  return basicPasswordProblem(password) ?? (hasUnicodeControlCharacter(password) ? 'contains control characters (U+0080–U+009F)' : undefined);
}

/** As signInPasswordProblem, for the login name a consumer signs in with. */
export function signInUserIdProblem(username: string): string | undefined {
  return basicUserIdProblem(username) ?? (hasUnicodeControlCharacter(username) ? 'contains control characters (U+0080–U+009F)' : undefined);
}
