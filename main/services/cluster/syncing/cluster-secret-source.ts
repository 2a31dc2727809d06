// Secrets read from the connected cluster for secretRef names the local vault lacks. Values are decoded in
// memory and handed to the gateway; nothing is written anywhere.
import type { SecretData, SecretSource } from '../../../../gateway/secrets/secret-source';
import type { SecretRef } from '../../../../gateway/config/secret-names';
import type { ClusterConnection } from '../connecting/cluster-connection';
import { apiStatusOf } from '../classify-error';

export class ClusterSecretSource implements SecretSource {
  readonly label: string;

  constructor(
    private readonly connection: ClusterConnection,
    /** The API's namespace, used when a reference names none. */
    private readonly defaultNamespace: string = connection.namespace,
  ) {
    this.label = `cluster ${connection.contextName}`;
  }

  async read(ref: SecretRef): Promise<SecretData | undefined> {
    const namespace = ref.namespace ?? this.defaultNamespace;
    const secret = await this.connection.call(`Reading secret ${namespace}/${ref.name}`, async () => {
      try {
        return await this.connection.core.readNamespacedSecret({ name: ref.name, namespace });
      } catch (error) {
        if (apiStatusOf(error)?.code === 404) return undefined;
        throw error;
      }
    });
    if (!secret) return undefined;
    const data: Record<string, string> = {};
    for (const [key, value] of Object.entries(secret.data ?? {})) data[key] = Buffer.from(value, 'base64').toString('utf8');
    return data;
  }
}
