// A hint, not a gate: the gateway accepts any non-empty password (it is the user's API), but says plainly
// when one is easy to guess. No dictionary, so it errs towards "weak".
import { counted } from '../../../gateway/config/counted';
export type Strength = 'empty' | 'weak' | 'fair' | 'strong';

export interface StrengthHint {
  strength: Strength;
  text: string;
}

const COMMON = new Set(['123456', '12345678', '123456789', 'password', 'qwerty', 'letmein', 'admin', 'welcome', '111111', 'abc123', 'iloveyou', 'secret']);

export function passwordStrength(password: string): StrengthHint {
  if (password === '') return { strength: 'empty', text: '' };
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(password)).length;
  const length = [...password].length;
  const repeated = /^(.)\1*$/.test(password);
  if (COMMON.has(password.toLowerCase()) || repeated || length < 8) {
    return { strength: 'weak', text: `Weak: ${counted(length, 'character')}${COMMON.has(password.toLowerCase()) ? ', a very common password' : ''}. Use 12 or more characters, or a passphrase.` };
  }
  if (length >= 16 || (length >= 12 && classes >= 3)) return { strength: 'strong', text: `Strong: ${length} characters.` };
  return { strength: 'fair', text: `Fair: ${length} characters. Longer is stronger: 12 or more with mixed characters, or a passphrase.` };
}
