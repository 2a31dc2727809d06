import type { IncomingMessage } from 'node:http';
import type { BasicAuthPlugin } from '../config/schema';
import { parseBasicAuthorization } from './basic-credentials';
import type { CredentialStore } from './credential-store';
import type { FailureThrottle } from './failure-throttle';

export interface AuthenticatedConsumer {
  username: string;
  /** Identifier of the credential used (the basic-auth login); absent for the anonymous consumer. */
  credentialId?: string;
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

/** Every raw `Authorization` value: Node keeps only the first of duplicates in `req.headers`. */
function authorizationValues(req: IncomingMessage): string[] {
  const raw = req.rawHeaders;
  const values: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length === 13 && raw[i]!.toLowerCase() === 'authorization') values.push(raw[i + 1]!);
  }
  return values;
}

export function authenticateBasic(req: IncomingMessage, plugin: BasicAuthPlugin, ctx: BasicAuthContext, client: string): AuthOutcome {
  const challenge = { 'www-authenticate': `Basic realm="${plugin.realm}", charset="UTF-8"` };
  const reject = (message: string): AuthOutcome => ({ ok: false, status: 401, message, headers: challenge });

  const retryAfter = ctx.throttle.retryAfterSeconds(client);
  if (retryAfter > 0) return { ok: false, status: 429, message: AUTH_MESSAGES.throttled, headers: { 'retry-after': String(retryAfter) } };

  const values = authorizationValues(req);
  if (values.length === 0) {
    if (plugin.anonymousConsumer !== undefined) return { ok: true, consumer: { username: plugin.anonymousConsumer } };
    return reject(AUTH_MESSAGES.missing);
  }

  const parsed = values.length === 1 ? parseBasicAuthorization(values[0]!) : ({ kind: 'invalid' } as const);
  if (parsed.kind === 'invalid') {
    ctx.throttle.recordFailure(client);
    return reject(AUTH_MESSAGES.invalidHeader);
  }

  const match = ctx.credentials.verify(parsed.username, parsed.password);
  if (!match) {
    ctx.throttle.recordFailure(client);
    return reject(AUTH_MESSAGES.invalidCredentials);
  }
  ctx.throttle.recordSuccess(client);
  return { ok: true, consumer: { username: match.consumer, credentialId: match.login } };
}
