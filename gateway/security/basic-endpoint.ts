// Basic credentials the gateway sends to a backend. They are checked when the config is compiled: credentials
// RFC 7617 §2 cannot carry would reach the backend as other credentials (a user-id with ":" is split there, the
// rest taken for the password) or as bytes no server accepts, and every request would fail with a 401 that does
// not say why. Messages name the service, secret and key, never a value.
import type { BasicEndpointSecurity } from '../config/endpoint-security-schema';
import { basicPasswordProblem, basicUserIdProblem, encodeBasicAuthorization } from '../auth/basic-credentials';
import { secretId } from '../config/secret-names';
import { CredentialValueError } from './credential-value-error';
import type { SecretResolver } from '../secrets/secret-source';

export class BasicCredentialsError extends CredentialValueError {
  readonly code = 'GATEHOUSE_BASIC_CREDENTIALS';
  constructor(usedBy: string, secret: string, key: string, detail: string) {
    super(usedBy, secret, key, detail);
    this.name = 'BasicCredentialsError';
  }
}

/** Throws BasicCredentialsError when RFC 7617 cannot carry the credentials as they are. */
export function checkOutboundCredentials(username: string, password: string, security: BasicEndpointSecurity, usedBy: string): void {
  const secret = secretId({ name: security.secret, namespace: security.namespace });
  const at = (key: string) => `secret "${secret}" key "${key}"`;
  const userIdProblem = basicUserIdProblem(username);
  if (userIdProblem) throw new BasicCredentialsError(usedBy, security.secret, security.usernameKey, `${at(security.usernameKey)} ${userIdProblem}`);
  const passwordProblem = basicPasswordProblem(password);
  if (passwordProblem) throw new BasicCredentialsError(usedBy, security.secret, security.passwordKey, `${at(security.passwordKey)} ${passwordProblem}`);
  // One of the two may be empty (an API key as user-id, say); both empty is no credential at all.
  if (username === '' && password === '') {
    throw new BasicCredentialsError(usedBy, security.secret, security.usernameKey, `${at(security.usernameKey)} and key "${security.passwordKey}" are both empty`);
  }
}

/** The `Authorization` value the gateway sends to a backend protected with Basic credentials. */
export async function outboundAuthorization(security: BasicEndpointSecurity, secrets: SecretResolver, usedBy: string): Promise<string> {
  const ref = { name: security.secret, namespace: security.namespace };
  const username = await secrets.readKey(ref, security.usernameKey, usedBy);
  const password = await secrets.readKey(ref, security.passwordKey, usedBy);
  checkOutboundCredentials(username, password, security, usedBy);
  return encodeBasicAuthorization(username, password);
}
