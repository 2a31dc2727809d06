// Which parts of a masked credential header are the secret, to be masked wherever a backend echoes them
// (echoed-secrets.ts): a token or Basic credential after its scheme and a Basic password, a cookie's value, or
// else the whole value. The scheme, a user name and a cookie's name are not secret and stay readable around the
// mask (`"authorization": "Bearer ••••••••"`). The whole value is not searched for besides: found, it would be
// masked whole, scheme and all.
import { basicUsername } from '../log/masked-headers';
import { MIN_SECRET_LENGTH } from './echoed-secrets';

/** `name=value`'s value, or the whole pair when the value is too short to be searched for alone. */
function cookieSecret(pair: string): string | undefined {
  const trimmed = pair.trim();
  if (trimmed === '') return undefined;
  const eq = trimmed.indexOf('=');
  const value = eq < 0 ? trimmed : trimmed.slice(eq + 1).trim();
  return value.length >= MIN_SECRET_LENGTH ? value : trimmed;
}

function authorizationSecrets(value: string): string[] {
  const space = value.indexOf(' ');
  if (space <= 0) return [value];
  const credentials = value.slice(space + 1).trim();
  if (basicUsername(value) === undefined) return [credentials];
  const decoded = Buffer.from(credentials, 'base64').toString('utf8');
  const password = decoded.slice(decoded.indexOf(':') + 1);
  // A password too short to be searched for alone is searched for with its user name.
  return [credentials, password.length >= MIN_SECRET_LENGTH ? password : decoded];
}

/** The secret values of a credential header `name` (lower case) whose value is `value`. */
export function headerSecrets(name: string, value: string): string[] {
  if (name === 'authorization' || name === 'proxy-authorization') return authorizationSecrets(value);
  if (name === 'cookie') return value.split(';').map(cookieSecret).filter((v) => v !== undefined);
  // A Set-Cookie's attributes (Path, Expires, HttpOnly) are not secret: its first pair is the cookie.
  if (name === 'set-cookie') return [cookieSecret(value.split(';')[0]!)].filter((v) => v !== undefined);
  return [value];
}
