import { describe, expect, it } from 'vitest';
import { SessionVault } from '../../../main/services/vault';
import { findSecret } from '../../../main/app/find-secret';

describe('findSecret', () => {
  it('finds a namespaced secret by a reference without namespace only when the name is unambiguous', async () => {
    const vault = new SessionVault();
    await vault.set({ name: 'backend-creds', namespace: 'apk', data: { username: 'admin', password: 'admin' } });
    expect((await findSecret(vault, { name: 'backend-creds' }))?.data).toEqual({ username: 'admin', password: 'admin' });
    expect(await findSecret(vault, { name: 'backend-creds', namespace: 'other' })).toBeUndefined();
    await vault.set({ name: 'backend-creds', namespace: 'staging', data: { username: 'x', password: 'y' } });
    expect(await findSecret(vault, { name: 'backend-creds' })).toBeUndefined();
    await vault.set({ name: 'backend-creds', data: { username: 'plain', password: 'p' } });
    expect((await findSecret(vault, { name: 'backend-creds' }))?.data.username).toBe('plain');
  });
});
