import { GatehouseError } from '../../../gateway/errors/gatehouse-error';
import { ImportError, type ImportedSecret } from './import-result';

interface SecretDocument {
  metadata?: { name?: unknown; namespace?: unknown };
  data?: Record<string, unknown>;
  stringData?: Record<string, unknown>;
}

/** A Secret's `data` value that is not base64 of text: Kubernetes would refuse it, or the vault would garble it. */
export class SecretDataNotBase64Error extends GatehouseError {
  readonly code = 'GATEHOUSE_IMPORT_SECRET_DATA_NOT_BASE64';
  constructor(
    readonly source: string,
    /** `data.<key>`, the field as the document writes it. */
    readonly field: string,
    detail: string,
  ) {
    super(`${source}: ${field}: ${detail}`, { hint: 'Secret data values are base64: encode the value, put plain text under stringData, or import the data values as plain text' });
    this.name = 'SecretDataNotBase64Error';
  }
}

// Padded standard base64, as the Kubernetes API reads `data` (Go's base64.StdEncoding).
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodedText(value: string, source: string, field: string): string {
  if (!BASE64.test(value)) throw new SecretDataNotBase64Error(source, field, 'expected base64 (Kubernetes Secret data is base64-encoded)');
  // A plain word such as "password" is valid base64 too; what it decodes to is then not text, and the vault keeps text.
  try {
    return utf8.decode(Buffer.from(value, 'base64'));
  } catch {
    throw new SecretDataNotBase64Error(source, field, 'expected base64 of text: this decodes to bytes that are not text, so it is probably plain text');
  }
}

export interface KubernetesSecretOptions {
  /** Take `data` values as the plain text the user wrote (as `stringData`), not as base64. */
  plainSecretData?: boolean;
}

/** A Kubernetes `Secret` (data base64, stringData plain) as a vault secret. */
export function importKubernetesSecret(doc: SecretDocument, source: string, options: KubernetesSecretOptions = {}): { secret: ImportedSecret; notes: string[] } {
  const name = doc.metadata?.name;
  if (typeof name !== 'string' || name === '') throw new ImportError(source, 'metadata.name', 'a Secret needs a name');
  const data: Record<string, string> = {};
  const fields: Record<string, string> = {};
  const plain: string[] = [];
  for (const [key, value] of Object.entries(doc.data ?? {})) {
    if (typeof value !== 'string') throw new ImportError(source, `data.${key}`, 'expected a string');
    if (options.plainSecretData) plain.push(`data.${key}`);
    data[key] = options.plainSecretData ? value : decodedText(value, source, `data.${key}`);
    fields[key] = `data.${key}`;
  }
  // As the API server merges them: a stringData key replaces the same data key.
  for (const [key, value] of Object.entries(doc.stringData ?? {})) {
    if (typeof value !== 'string') throw new ImportError(source, `stringData.${key}`, 'expected a string');
    data[key] = value;
    fields[key] = `stringData.${key}`;
  }
  const namespace = typeof doc.metadata?.namespace === 'string' ? doc.metadata.namespace : undefined;
  const notes = plain.length > 0 ? [`Secret "${name}": ${plain.join(', ')} taken as plain text, as written (not base64-decoded)`] : [];
  const origin = { source, fields };
  return { secret: namespace ? { name, namespace, data, origin } : { name, data, origin }, notes };
}
