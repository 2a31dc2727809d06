// Checks the renderer asks for while the user fills in a service's endpoint security: one OAuth token fetched
// with the saved settings (the answer says it worked and for how long, never the token), and a pasted client
// certificate with its key. Messages name URLs, statuses, secrets and keys, never a value.
import { Agent } from 'undici';
import type { Workspace } from '../../gateway/config/schema';
import { OAuthClientCredentialsError, OAuthTokenCache, clientCredentialsGrant } from '../../gateway/security/oauth-token-cache';
import { ClientCertificateError, checkClientCertificate } from '../../gateway/security/client-certificate';
import { CaBundleError, parseCaBundle, upstreamTlsProfile } from '../../gateway/security/upstream-tls';
import { RequestParametersError } from '../../gateway/security/request-parameters';
import { UserFacingError } from '../ipc/dispatcher';
import type { CertificateCheck, FetchTokenResult } from '../ipc/contract';
import type { SecretVault } from '../services/vault';
import { secretId } from '../../gateway/config/secret-names';

async function readKey(vault: SecretVault, ref: { name: string; namespace?: string }, key: string): Promise<string> {
  const secret = await vault.get(ref);
  const value = secret?.data[key];
  const label = secretId(ref);
  if (!secret) throw new UserFacingError('GATEHOUSE_MISSING_SECRET', `the vault holds no secret "${label}"`);
  if (value === undefined) throw new UserFacingError('GATEHOUSE_MISSING_SECRET', `secret "${label}" has no key "${key}"`);
  return value;
}

export async function fetchTokenOnce(workspace: Workspace, vault: SecretVault, serviceName: string, environment: 'production' | 'sandbox'): Promise<FetchTokenResult> {
  const service = workspace.services.find((s) => s.name === serviceName);
  if (!service) throw new UserFacingError('GATEHOUSE_NO_SUCH_SERVICE', `no saved service "${serviceName}": save the service first`);
  const endpoint = environment === 'production' ? service : service.sandbox;
  if (!endpoint) throw new UserFacingError('GATEHOUSE_NO_SANDBOX', `service "${serviceName}" has no sandbox endpoint`);
  const security = endpoint.endpointSecurity;
  if (security?.type !== 'oauth2-client-credentials') throw new UserFacingError('GATEHOUSE_NOT_OAUTH', `the ${environment} endpoint of service "${serviceName}" does not use OAuth client credentials (save the form first)`);
  let grant;
  try {
    grant = await clientCredentialsGrant(security, (ref, key) => readKey(vault, ref, key), async (ref, key) => (await vault.get(ref))?.data[key]);
  } catch (error) {
    if (error instanceof RequestParametersError || error instanceof OAuthClientCredentialsError || error instanceof ClientCertificateError) throw new UserFacingError(error.code, error.message);
    throw error;
  }
  let ca: string[] = [];
  try {
    const caSecret = endpoint.tls?.caSecret;
    if (caSecret) ca = parseCaBundle(await readKey(vault, { name: caSecret.secret, namespace: caSecret.namespace }, caSecret.key), `secret "${caSecret.secret}" key "${caSecret.key}"`);
  } catch (error) {
    if (error instanceof CaBundleError) throw new UserFacingError(error.code, error.message);
    throw error;
  }
  // With tls_client_auth the token endpoint gets the client's certificate, as the gateway presents it.
  const profile = upstreamTlsProfile({ skipVerify: endpoint.tls?.skipVerify ?? false, ca, clientCertificate: grant.clientCertificate });
  const agent = profile ? new Agent({ connect: profile.connect }) : undefined;
  // A CredentialEndpointError reaches the user as it is (code and message: the URL and status, never a value).
  try {
    const token = await new OAuthTokenCache({ requestTimeoutMs: 10_000 }).source(grant, agent).token();
    return { ok: true, expiresInSeconds: Math.max(0, Math.round((token.expiresAt - Date.now()) / 1000)), tokenType: 'Bearer' };
  } finally {
    await agent?.close().catch(() => undefined);
  }
}

/** The request fields (`crt`, `key`) a refused pair is about, each with what to say there. */
function certificateFieldErrors(error: ClientCertificateError): { path: string; message: string }[] {
  if (error.both) return [{ path: 'crt', message: error.both.certificate }, { path: 'key', message: error.both.privateKey }];
  // Either of the two may be the wrong one: both are marked.
  if (error.problem === 'key-mismatch') return [{ path: 'crt', message: 'the certificate does not match the private key' }, { path: 'key', message: error.message }];
  if (error.problem === 'invalid-private-key' || error.problem === 'encrypted-private-key') return [{ path: 'key', message: error.message }];
  return [{ path: 'crt', message: error.message }];
}

export function checkCertificate(crt: string, key: string): CertificateCheck {
  try {
    const info = checkClientCertificate({ certificate: crt, privateKey: key });
    return { subject: info.subject, issuer: info.issuer, validFrom: info.validFrom.toISOString(), validTo: info.validTo.toISOString(), fingerprint256: info.fingerprint256 };
  } catch (error) {
    // `crt` and `key` name the request's fields: the form puts each message on its own.
    if (error instanceof ClientCertificateError) throw new UserFacingError(error.code, error.message, certificateFieldErrors(error));
    throw error;
  }
}

/** CA certificates typed into the form, read as the gateway reads a CA bundle when it compiles the config. */
export function checkCaCertificates(pem: string): { certificates: number } {
  try {
    return { certificates: parseCaBundle(pem, 'the text').length };
  } catch (error) {
    if (error instanceof CaBundleError) throw new UserFacingError(error.code, error.message);
    throw error;
  }
}
