// Credentials an import brings in Kubernetes Secrets, checked where the workspace they are merged into sends them
// to a backend as Basic credentials (a Kyma entry's Basic credentials, an APK endpoint's secretRefName or
// securityType): with the gateway's own rule (checkOutboundCredentials), so a username with ":" is refused at import,
// naming the Secret's field, instead of being imported and then refused by the gateway at its start.
import { servedServices } from '../../../gateway/config/kyma-services';
import { secretId, type SecretRef } from '../../../gateway/config/secret-names';
import type { Workspace } from '../../../gateway/config/schema';
import type { BasicEndpointSecurity } from '../../../gateway/config/endpoint-security-schema';
import { BasicCredentialsError, checkOutboundCredentials } from '../../../gateway/security/basic-endpoint';
import { ImportError, type ImportedSecret } from './import-result';

/** The imported secret the gateway would read for `ref`: its own id, else a namespaced ref's bare name (as secret sources do). */
function importedSecretFor(ref: SecretRef, secrets: readonly ImportedSecret[]): ImportedSecret | undefined {
  const byId = new Map(secrets.map((secret) => [secretId(secret), secret]));
  return byId.get(secretId(ref)) ?? (ref.namespace ? byId.get(ref.name) : undefined);
}

/** Every Basic endpoint security of the workspace's served services (their sandboxes included), with its service's name. */
function basicEndpoints(workspace: Workspace): { service: string; security: BasicEndpointSecurity }[] {
  return servedServices(workspace).flatMap((service) =>
    (service.sandbox ? [service, service.sandbox] : [service]).flatMap((endpoint) => (endpoint.endpointSecurity?.type === 'basic' ? [{ service: service.name, security: endpoint.endpointSecurity }] : [])),
  );
}

/**
 * Throws ImportError, naming the imported Secret's field, when `workspace` (the merge's result) would send an
 * imported Secret's values as Basic credentials RFC 7617 cannot carry. A key the Secret does not hold is the
 * gateway's to report (the item is left out, naming it), as for a secret of the vault.
 */
export function checkImportedBasicCredentials(workspace: Workspace, secrets: readonly ImportedSecret[]): void {
  for (const { service, security } of basicEndpoints(workspace)) {
    const secret = importedSecretFor({ name: security.secret, namespace: security.namespace }, secrets);
    const username = secret?.data[security.usernameKey];
    const password = secret?.data[security.passwordKey];
    if (secret === undefined || username === undefined || password === undefined) continue;
    try {
      checkOutboundCredentials(username, password, security, '');
    } catch (error) {
      if (!(error instanceof BasicCredentialsError)) throw error;
      const field = secret.origin?.fields[error.key] ?? `data.${error.key}`;
      throw new ImportError(secret.origin?.source ?? `Secret "${secretId(secret)}"`, field, `${error.detail}; service "${service}" sends it to its backend as Basic credentials, which no Basic client can send as written, so nothing was imported`);
    }
  }
}
