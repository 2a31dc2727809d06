import type { BasicEndpointSecurity } from '../config/endpoint-security-schema';
import { encodeBasicAuthorization } from '../auth/basic-credentials';
import type { SecretResolver } from '../secrets/secret-source';

/** The `Authorization` value the gateway sends to a backend protected with Basic credentials. */
export async function outboundAuthorization(security: BasicEndpointSecurity, secrets: SecretResolver, usedBy: string): Promise<string> {
  const ref = { name: security.secret, namespace: security.namespace };
  const username = await secrets.readKey(ref, security.usernameKey, usedBy);
  const password = await secrets.readKey(ref, security.passwordKey, usedBy);
  return encodeBasicAuthorization(username, password);
}
