import type { IncomingMessage } from 'node:http';
import type { BasicAuthPlugin } from '../config/schema';
import { basicVerdict, type BasicVerdict } from './basic-verdict';
import type { CredentialStore } from './credential-store';
import { presentedCredentials, REPEATED, type PresentedValue } from './presented-credentials';
import type { FailureThrottle } from './failure-throttle';

export interface AuthenticatedConsumer {
  username: string;
  /** Identifier of the credential used (the basic-auth login); absent for the anonymous consumer. */
  credentialId?: string;
  /** The header that carried it; absent for the anonymous consumer. */
  credentialHeader?: 'authorization' | 'proxy-authorization';
}

export type AuthOutcome =
  | { ok: true; consumer: AuthenticatedConsumer }
  | { ok: false; status: 401 | 429; message: string; headers: Record<string, string> };

export const AUTH_MESSAGES = {
  missing: 'Missing authorization in request',
  invalidHeader: 'Invalid authorization in request',
  invalidCredentials: 'Invalid user authorization',
  throttled: 'Too many failed authorization attempts',
} as const;

export interface BasicAuthContext {
  credentials: CredentialStore<string>;
  throttle: FailureThrottle;
}

/** The verdict on one header's value, undefined when the request does not send the header. */
function verdictOn(value: PresentedValue, credentials: CredentialStore<string>): BasicVerdict<string> | undefined {
  if (value === undefined) return undefined;
  return value === REPEATED ? 'malformed' : basicVerdict(value, credentials);
}

/**
 * `WWW-Authenticate` for a plugin, built once per plugin. The realm goes out as UTF-8 bytes inside the quoted-string
 * (RFC 9110 §5.6.4 admits bytes above 0x7F as obs-text; Node would refuse the characters themselves), the same bytes
 * the `charset="UTF-8"` parameter (RFC 7617 §2.1) announces for credentials. The schema keeps quotes, backslashes and
 * control characters out of realms.
 */
const challenges = new WeakMap<BasicAuthPlugin, Record<string, string>>();
function challengeFor(plugin: BasicAuthPlugin): Record<string, string> {
  let challenge = challenges.get(plugin);
  if (!challenge) {
    challenge = { 'www-authenticate': `Basic realm="${Buffer.from(plugin.realm, 'utf8').toString('latin1')}", charset="UTF-8"` };
    challenges.set(plugin, challenge);
  }
  return challenge;
}

/**
 * With an `anonymousConsumer`, as in APISIX and Kong, a request whose credentials are missing, malformed or wrong
 * goes on as that consumer instead of getting a 401. A failure still counts toward the client's throttle (a
 * guesser learns from the backend's answers whether a password was right); a throttled client is then served as
 * the anonymous consumer without its credentials being checked, so guessing stops paying until the block ends.
 */
export function authenticateBasic(req: IncomingMessage, plugin: BasicAuthPlugin, ctx: BasicAuthContext, client: string): AuthOutcome {
  const anonymous = plugin.anonymousConsumer;
  const fail = (message: string): AuthOutcome =>
    anonymous !== undefined ? { ok: true, consumer: { username: anonymous } } : { ok: false, status: 401, message, headers: challengeFor(plugin) };

  const retryAfter = ctx.throttle.retryAfterSeconds(client);
  if (retryAfter > 0) {
    if (anonymous !== undefined) return { ok: true, consumer: { username: anonymous } };
    return { ok: false, status: 429, message: AUTH_MESSAGES.throttled, headers: { 'retry-after': String(retryAfter) } };
  }

  const { authorization, proxyAuthorization } = presentedCredentials(req.rawHeaders);
  if (authorization === undefined && proxyAuthorization === undefined) return fail(AUTH_MESSAGES.missing);

  // As in Kong: Proxy-Authorization first, then Authorization; the first naming a stored credential signs the
  // request in. Wrong credentials in either header are the answer over a malformed one (the more precise of the two).
  const fromProxy = verdictOn(proxyAuthorization, ctx.credentials);
  const proxySignsIn = typeof fromProxy === 'object';
  // Signed in by Proxy-Authorization, the request's Authorization is the upstream's own credential and is forwarded
  // unread and as sent (every line, forward-headers.ts), as Kong does, hideCredentials or not (upstream-request.ts).
  const fromAuthorization = proxySignsIn ? undefined : verdictOn(authorization, ctx.credentials);
  const match = proxySignsIn ? fromProxy : typeof fromAuthorization === 'object' ? fromAuthorization : undefined;
  // Each header that was consulted and did not sign the request in is one failure for the throttle, even when the
  // other header then does: otherwise a client holding one valid login could try a guess at another's password in
  // Proxy-Authorization of every request, signed in by its own Authorization, and never be counted (Kong, which
  // reads both, has no throttle in its basic-auth to bypass).
  const failedHeaders = (fromProxy !== undefined && typeof fromProxy !== 'object' ? 1 : 0) + (fromAuthorization !== undefined && typeof fromAuthorization !== 'object' ? 1 : 0);
  for (let i = 0; i < failedHeaders; i += 1) ctx.throttle.recordFailure(client);
  if (!match) {
    const wrong = fromProxy === 'wrong-credentials' || fromAuthorization === 'wrong-credentials';
    return fail(wrong ? AUTH_MESSAGES.invalidCredentials : AUTH_MESSAGES.invalidHeader);
  }
  return { ok: true, consumer: { username: match.consumer, credentialId: match.login, credentialHeader: proxySignsIn ? 'proxy-authorization' : 'authorization' } };
}
