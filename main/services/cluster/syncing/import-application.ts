// Import: a Kyma Application from the cluster, and the Secrets its entries name, as Gatehouse's input model.
import type { ClusterConnection } from '../connecting/cluster-connection';
import { ApiServerError } from '../cluster-errors';
import { ClusterSecretSource } from './cluster-secret-source';
import { KYMA_API_VERSION, type KymaApplicationSpec, type KymaCredentialType, type KymaEntrySpec } from '../objects/kyma-application-builder';
import { ObjectClient } from './object-client';
import type { SecretSpec } from '../objects/secret-builder';

export interface ImportedApplication {
  application: KymaApplicationSpec;
  secrets: SecretSpec[];
  /** Secrets the Application names that are not in the namespace. */
  missingSecrets: string[];
}

interface RawEntry {
  type?: string;
  targetUrl?: string;
  credentials?: { type?: string; secretName?: string; authenticationUrl?: string; csrfInfo?: { tokenEndpointURL?: string } };
  requestParametersSecretName?: string;
}

interface RawService {
  id?: string;
  name?: string;
  displayName?: string;
  description?: string;
  providerDisplayName?: string;
  entries?: RawEntry[];
}

function entryOf(raw: RawEntry): KymaEntrySpec | undefined {
  if (raw.type !== 'API' || !raw.targetUrl) return undefined;
  const c = raw.credentials;
  return {
    targetUrl: raw.targetUrl,
    ...(c?.type && c.secretName
      ? {
          credentials: {
            type: c.type as KymaCredentialType,
            secretName: c.secretName,
            ...(c.authenticationUrl ? { authenticationUrl: c.authenticationUrl } : {}),
            ...(c.csrfInfo?.tokenEndpointURL ? { csrfInfo: { tokenEndpointURL: c.csrfInfo.tokenEndpointURL } } : {}),
          },
        }
      : {}),
    ...(raw.requestParametersSecretName ? { requestParametersSecretName: raw.requestParametersSecretName } : {}),
  };
}

export async function importKymaApplication(connection: ClusterConnection, name: string, options: { secretNamespace: string }): Promise<ImportedApplication> {
  const live = await new ObjectClient(connection).read({ apiVersion: KYMA_API_VERSION, kind: 'Application', name });
  if (!live) throw new ApiServerError(404, 'NotFound', `applications.applicationconnector.kyma-project.io "${name}" not found`);
  const spec = (live.spec ?? {}) as { skipVerify?: boolean; description?: string; services?: RawService[] };
  const application: KymaApplicationSpec = {
    name,
    skipVerify: spec.skipVerify === true,
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    services: (spec.services ?? []).map((s) => ({
      displayName: s.displayName ?? s.name ?? '',
      description: s.description ?? '',
      providerDisplayName: s.providerDisplayName ?? '',
      ...(s.name ? { name: s.name } : {}),
      ...(s.id ? { id: s.id } : {}),
      entries: (s.entries ?? []).map(entryOf).filter((e): e is KymaEntrySpec => e !== undefined),
    })),
  };
  const names = [
    ...new Set(application.services.flatMap((s) => s.entries.flatMap((e) => [e.credentials?.secretName, e.requestParametersSecretName].filter((n): n is string => !!n)))),
  ].sort();
  const source = new ClusterSecretSource(connection, options.secretNamespace);
  const secrets: SecretSpec[] = [];
  const missingSecrets: string[] = [];
  for (const secretName of names) {
    const data = await source.read({ name: secretName, namespace: options.secretNamespace });
    if (data) secrets.push({ name: secretName, namespace: options.secretNamespace, data: { ...data } });
    else missingSecrets.push(secretName);
  }
  return { application, secrets, missingSecrets };
}
