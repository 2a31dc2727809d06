// A secret value holding a lone UTF-16 surrogate has no UTF-8 form: the keychain would store U+FFFD in its place, a
// value nobody typed. Refused where a secret enters the vault: the IPC schema of the forms' writes, and the check
// every import and cluster Secret passes (checkSecretForGateway). Messages name secret and key, never the value.
import { describe, expect, it } from 'vitest';
import { checkSecretForGateway } from '../../../main/app/secret-checks';
import { channels } from '../../../main/ipc/contract';
import { validateWith } from '../../../gateway/config/validate';

const RULE = 'holds a lone UTF-16 surrogate (U+D800 to U+DFFF without its pair), which has no UTF-8 form: the vault would store U+FFFD in its place, not the value typed';

describe('a secret value with a lone surrogate', () => {
  it('is refused by the check imports and cluster Secrets pass, naming secret and key', () => {
    expect(() => checkSecretForGateway('erp-oauth', { clientId: 'erp', clientSecret: 's3cr3t\uD800' })).toThrow(`secret "erp-oauth" key "clientSecret" ${RULE}`);
    expect(() => checkSecretForGateway('erp-oauth', { clientId: 'erp', clientSecret: 'emoji 😀 is a pair' })).not.toThrow();
  });

  it('is refused by the schema of a form\'s write, on the key', () => {
    for (const [channel, body] of [['secrets:set', { name: 'erp', data: { password: '\uDC00s3cr3t' } }], ['secrets:update', { name: 'erp', set: { password: '\uDC00s3cr3t' } }]] as const) {
      const checked = validateWith(channels[channel].request, body);
      expect(checked.ok, channel).toBe(false);
      if (!checked.ok) expect(checked.errors, channel).toEqual([expect.objectContaining({ message: RULE })]);
      expect(JSON.stringify(checked)).not.toContain('s3cr3t');
    }
  });
});
