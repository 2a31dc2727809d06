import { ImportError, type ImportedSecret } from './import-result';

interface SecretDocument {
  metadata?: { name?: unknown; namespace?: unknown };
  data?: Record<string, unknown>;
  stringData?: Record<string, unknown>;
}

/** A Kubernetes `Secret` (data base64, stringData plain) as a vault secret. */
export function importKubernetesSecret(doc: SecretDocument, source: string, defaultNamespace?: string): ImportedSecret {
  const name = doc.metadata?.name;
  if (typeof name !== 'string' || name === '') throw new ImportError(source, 'metadata.name', 'a Secret needs a name');
  const data: Record<string, string> = {};
  for (const [key, value] of Object.entries(doc.data ?? {})) {
    if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) throw new ImportError(source, `data.${key}`, 'expected base64 (use stringData for plain text)');
    data[key] = Buffer.from(value, 'base64').toString('utf8');
  }
  for (const [key, value] of Object.entries(doc.stringData ?? {})) {
    if (typeof value !== 'string') throw new ImportError(source, `stringData.${key}`, 'expected a string');
    data[key] = value;
  }
  const namespace = typeof doc.metadata?.namespace === 'string' ? doc.metadata.namespace : defaultNamespace;
  return namespace ? { name, namespace, data } : { name, data };
}
