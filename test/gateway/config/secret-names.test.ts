import { describe, expect, it } from 'vitest';
import { SECRET_ID_PATTERN, SECRET_KEY_PATTERN, SECRET_NAME_PATTERN, parseSecretId, secretId, secretKeySchema, secretNameSchema } from '../../../gateway/config/secret-names';
import { SecretKeyRef, ResourceName } from '../../../gateway/config/schema';
import { channels } from '../../../main/ipc/contract';
import { SessionVault } from '../../../main/services/vault';

const goodNames = ['a', 'orders-basic', 'Orders.v2_basic', 'x'.repeat(63), '0'];
const badNames = ['', '-lead', 'trail-', 'has/slash', 'has space', 'x'.repeat(64), 'ümlaut', '.dot'];
const goodKeys = ['password', 'tls.crt', '.dotfile', '_x', 'A-b_c.d', 'k'.repeat(253)];
const badKeys = ['', 'has/slash', 'has space', 'k'.repeat(254), 'a:b'];

describe('secret names and keys: one rule for every process', () => {
  it('accepts names like Kubernetes names, with upper case, "." and "_", 1-63 characters', () => {
    for (const name of goodNames) expect(SECRET_NAME_PATTERN.test(name), name).toBe(true);
    for (const name of badNames) expect(SECRET_NAME_PATTERN.test(name), name).toBe(false);
  });

  it('accepts keys of letters, digits, ".", "_" and "-", up to 253 characters', () => {
    for (const key of goodKeys) expect(SECRET_KEY_PATTERN.test(key), key).toBe(true);
    for (const key of badKeys) expect(SECRET_KEY_PATTERN.test(key), key).toBe(false);
  });

  it('leads the zod message with what the field is', () => {
    expect(secretNameSchema('a secret name').safeParse('-x').error?.issues[0]?.message).toBe('a secret name: letters, digits, ".", "_" or "-", 1-63 characters, starting and ending with a letter or digit');
    expect(secretKeySchema().safeParse('a/b').error?.issues[0]?.message).toBe('letters, digits, ".", "_" or "-"');
  });

  it('is the rule the workspace schema, the IPC contract and the vault all apply', async () => {
    const vault = new SessionVault();
    for (const name of [...goodNames, ...badNames]) {
      const valid = SECRET_NAME_PATTERN.test(name);
      expect(ResourceName.safeParse(name).success, `schema: ${name}`).toBe(valid);
      expect(channels['secrets:delete'].request.safeParse({ name }).success, `contract: ${name}`).toBe(valid);
      const stored = vault.set({ name, data: { k: 'v' } });
      if (valid) await expect(stored, `vault: ${name}`).resolves.toBeUndefined();
      else await expect(stored, `vault: ${name}`).rejects.toThrow(/is invalid/);
    }
    for (const key of [...goodKeys, ...badKeys]) {
      const valid = SECRET_KEY_PATTERN.test(key);
      expect(SecretKeyRef.safeParse({ secret: 's', key }).success, `schema: ${key}`).toBe(valid);
      expect(channels['secrets:reveal'].request.safeParse({ name: 's', key }).success, `contract: ${key}`).toBe(valid);
      const stored = vault.set({ name: 's', data: { [key]: 'v' } });
      if (valid) await expect(stored, `vault: ${key}`).resolves.toBeUndefined();
      else await expect(stored, `vault: ${key}`).rejects.toThrow(/is invalid/);
    }
  });

  it('writes a secret as namespace/name, or its name alone without a namespace', () => {
    expect(secretId({ name: 'db' })).toBe('db');
    expect(secretId({ name: 'db', namespace: 'shop' })).toBe('shop/db');
    expect(secretId({ name: 'db', namespace: '' })).toBe('db');
  });
});

describe('secret ids (namespace/name)', () => {
  it('reads back what secretId writes, and matches only names the workspace allows', () => {
    for (const ref of [{ name: 'db' }, { name: 'db', namespace: 'Team_A' }]) expect(parseSecretId(secretId(ref))).toEqual(ref);
    for (const id of ['db', 'ns/db', 'Team_A/db.v2']) expect(SECRET_ID_PATTERN.test(id), id).toBe(true);
    for (const id of ['', '/db', 'ns/', 'a/b/c', '-ns/db', 'x'.repeat(64)]) expect(SECRET_ID_PATTERN.test(id), id).toBe(false);
  });
});
