import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CredentialStore } from '../../../gateway/auth/credential-store';

describe('CredentialStore lookup and verification', () => {
  it('matches exactly the stored login and password, for any Unicode strings', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.record({ login: fc.string({ unit: 'grapheme' }), password: fc.string({ unit: 'grapheme' }) }), { selector: (c) => c.login, maxLength: 6 }),
        fc.string({ unit: 'grapheme' }),
        fc.string({ unit: 'grapheme' }),
        (stored, login, password) => {
          const store = new CredentialStore<number>();
          stored.forEach((c, i) => store.add(c.login, c.password, i));
          stored.forEach((c, i) => {
            expect(store.verify(c.login, c.password)).toEqual(c.password === '' ? undefined : { consumer: i, login: c.login });
          });
          const owner = stored.findIndex((c) => c.login === login);
          const expected = owner >= 0 && stored[owner]!.password === password && password !== '' ? { consumer: owner, login } : undefined;
          expect(store.verify(login, password)).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('tells apart logins that differ only after a NUL or in normalization', () => {
    const store = new CredentialStore<string>();
    store.add('alex', 'pw', 'plain');
    store.add('alex\0x', 'pw', 'nul');
    store.add('caf\u00e9', 'pw', 'composed');
    expect(store.verify('alex', 'pw')?.consumer).toBe('plain');
    expect(store.verify('alex\0x', 'pw')?.consumer).toBe('nul');
    expect(store.verify('cafe\u0301', 'pw')).toBeUndefined();
    expect(store.verify('caf\u00e9', 'pw')?.consumer).toBe('composed');
  });
});
