// What one `Authorization`-style value is worth against the credential store.
import { basicToken, parseBasicAuthorization } from './basic-credentials';
import type { CredentialStore, StoredCredential } from './credential-store';

/** A stored credential, or why not: credentials that match none, or a value that is no Basic credentials at all. */
export type BasicVerdict<C> = StoredCredential<C> | 'wrong-credentials' | 'malformed';

/**
 * A stored credential's client sends exactly its canonical token (credential-store.ts): one digest finds it. Only a
 * miss is decoded, to tell a malformed value from wrong credentials and to look the credentials up again in NFC.
 */
export function basicVerdict<C>(value: string, credentials: CredentialStore<C>): BasicVerdict<C> {
  const token = basicToken(value);
  if (token === undefined) return 'malformed';
  const match = credentials.verifyToken(token);
  if (match) return match;
  const parsed = parseBasicAuthorization(value);
  if (parsed.kind === 'invalid') return 'malformed';
  if (parsed.kind === 'control-characters') return 'wrong-credentials';
  return credentials.verifyCredentials(parsed.username, parsed.password) ?? 'wrong-credentials';
}
