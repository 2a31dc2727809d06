import { describe, expect, it } from 'vitest';
import { credentialNormalForm } from '../../../gateway/config/credential-normal-form';

describe('credentialNormalForm (RFC 7617 §2.1: NFC)', () => {
  it('composes decomposed text and keeps composed text', () => {
    expect(credentialNormalForm('ju\u0308rgen')).toBe('j\u00fcrgen');
    expect(credentialNormalForm('j\u00fcrgen')).toBe('j\u00fcrgen');
    expect(credentialNormalForm('\u212b')).toBe('\u00c5'); // ANGSTROM SIGN, a canonical singleton
  });

  it('returns ASCII text as it is, control characters included', () => {
    for (const text of ['alex', 'pa:ss word', '', 'tab\there\u007f']) expect(credentialNormalForm(text)).toBe(text);
  });
});
