import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CredentialStore, UnpresentableCredentialError } from '../../../gateway/auth/credential-store';
import { basicToken, encodeBasicAuthorization, parseBasicAuthorization, unpresentableCredentials } from '../../../gateway/auth/basic-credentials';
import { basicVerdict } from '../../../gateway/auth/basic-verdict';

/** The token a client sends for this user-id and password, as the gateway extracts it from the header. */
const sentToken = (login: string, password: string) => basicToken(encodeBasicAuthorization(login, password))!;
/** What the gateway answers a client that signs in with this user-id and password: the credential, if any. */
const signIn = <C>(store: CredentialStore<C>, login: string, password: string) => {
  const verdict = basicVerdict(encodeBasicAuthorization(login, password), store);
  return typeof verdict === 'string' ? undefined : verdict;
};
/** RFC 7617 §2.1: credentials are compared in Unicode NFC. Written here with the platform's normalize, as a reference. */
const nfc = (text: string) => text.normalize('NFC');

describe('CredentialStore lookup and verification', () => {
  it('matches exactly the stored login and password, for any Unicode strings a client can send', () => {
    fc.assert(
      fc.property(
        // Logins unique as the workspace requires them: in NFC (schema.ts).
        fc.uniqueArray(fc.record({ login: fc.string({ unit: 'grapheme' }), password: fc.string({ unit: 'grapheme' }) }), { selector: (c) => nfc(c.login), maxLength: 6 }),
        fc.string({ unit: 'grapheme' }),
        fc.string({ unit: 'grapheme' }),
        (candidates, login, password) => {
          const store = new CredentialStore<number>();
          const stored = candidates.filter((c) => unpresentableCredentials(c.login, c.password) === undefined);
          stored.forEach((c, i) => store.add(c.login, c.password, i));
          stored.forEach((c, i) => {
            expect(signIn(store, c.login, c.password)).toEqual({ consumer: i, login: c.login });
          });
          const owner = stored.findIndex((c) => nfc(c.login) === nfc(login));
          const expected = owner >= 0 && nfc(stored[owner]!.password) === nfc(password) ? { consumer: owner, login: stored[owner]!.login } : undefined;
          if (unpresentableCredentials(login, password) === undefined) expect(signIn(store, login, password)).toEqual(expected);
          // Whatever a client sends: the store answers what parsing the header and comparing would.
          const parsed = parseBasicAuthorization(encodeBasicAuthorization(login, password));
          const byParsing = parsed.kind === 'credentials' ? stored.findIndex((c) => nfc(c.login) === nfc(parsed.username) && nfc(c.password) === nfc(parsed.password)) : -1;
          expect(signIn(store, login, password)?.consumer).toBe(byParsing >= 0 ? byParsing : undefined);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('compares logins and passwords in NFC (RFC 7617 §2.1), and tells apart passwords that differ by one character', () => {
    const store = new CredentialStore<string>();
    store.add('alex', 'pw', 'plain');
    store.add('caf\u00e9', 'pw', 'composed');
    store.add('ju\u0308rgen', 'pa\u0308ss', 'configured decomposed');
    expect(signIn(store, 'alex', 'pw')?.consumer).toBe('plain');
    expect(signIn(store, 'alex', 'pW')).toBeUndefined();
    expect(signIn(store, 'alex', 'pw ')).toBeUndefined();
    expect(signIn(store, 'cafe\u0301', 'pw')).toEqual({ consumer: 'composed', login: 'caf\u00e9' });
    expect(signIn(store, 'caf\u00e9', 'pw')?.consumer).toBe('composed');
    // The credential's identifier stays the login as configured, whichever form the client sent.
    for (const [login, password] of [['j\u00fcrgen', 'p\u00e4ss'], ['ju\u0308rgen', 'pa\u0308ss'], ['j\u00fcrgen', 'pa\u0308ss']] as const) {
      expect(signIn(store, login, password), `${login}:${password}`).toEqual({ consumer: 'configured decomposed', login: 'ju\u0308rgen' });
    }
    expect(signIn(store, 'j\u00fcrgen', 'pass')).toBeUndefined();
    expect(signIn(store, 'bob', 'pw')).toBeUndefined();
    expect(store.size).toBe(3);
  });

  it('needs one lookup for a client sending its credentials in NFC, the stored form', () => {
    const store = new CredentialStore<string>();
    store.add('ju\u0308rgen', 'pa\u0308ss', 'j');
    expect(store.verifyToken(sentToken('j\u00fcrgen', 'p\u00e4ss'))?.consumer).toBe('j');
    expect(store.verifyToken(sentToken('ju\u0308rgen', 'pa\u0308ss'))).toBeUndefined();
    expect(store.verifyCredentials('ju\u0308rgen', 'pa\u0308ss')?.consumer).toBe('j');
  });

  it('finds a credential only by its canonical token: the same bytes base64-encoded another way miss', () => {
    const store = new CredentialStore<string>();
    store.add('alex', '123456', 'alex');
    const canonical = sentToken('alex', '123456');
    expect(canonical).toBe('YWxleDoxMjM0NTY=');
    expect(store.verifyToken(canonical)?.consumer).toBe('alex');
    // Non-zero padding bits decode to the same bytes in Buffer.from, but are not the token a client sends.
    expect(Buffer.from('YWxleDoxMjM0NTZ=', 'base64').toString()).toBe('alex:123456');
    expect(store.verifyToken('YWxleDoxMjM0NTZ=')).toBeUndefined();
    expect(store.verifyToken('YWxleDoxMjM0NTY')).toBeUndefined();
    expect(store.verifyToken('')).toBeUndefined();
  });

  it('refuses, naming whom and why, a credential no client could present', () => {
    const store = new CredentialStore<string>();
    const refusal = (login: string, password: string) => {
      try {
        store.add(login, password, 'c', 'consumer "c"');
      } catch (error) {
        expect(error).toBeInstanceOf(UnpresentableCredentialError);
        return (error as Error).message;
      }
      return 'stored';
    };
    expect(refusal('a:b', 'pw')).toBe('consumer "c" cannot sign in with basic-auth: the username contains ":", which ends a Basic user-id (RFC 7617)');
    expect(refusal('alex\0x', 'pw')).toMatch(/username contains control characters/);
    expect(refusal('alex', '')).toMatch(/the password is empty$/);
    expect(refusal('alex', 'pass\tword')).toMatch(/password contains control characters/);
    expect(refusal('alex', 'pass:word ü')).toBe('stored');
    // The refusal never quotes the password.
    expect(refusal('alex', 'top-secret\n')).not.toContain('top-secret');
    expect(store.size).toBe(1);
    // A password a client cannot send is never matched either.
    expect(signIn(store, 'alex', 'pass\tword')).toBeUndefined();
    expect(signIn(store, 'alex', '')).toBeUndefined();
  });
});
