/*
 * Exporting and importing a whole workspace.
 *
 * Plain export (the default): the workspace document itself, exactly like workspace.json. It holds
 * secret *references* only, never values, and the headless CLI can run it with --config.
 *
 * Encrypted bundle (explicit, with a passphrase): a JSON envelope (see bundle-crypto.ts)
 *   { "format": "gatehouse-workspace-bundle", "formatVersion": 1,
 *     "kdf": { "name": "scrypt", "salt": b64, "N", "r", "p" },
 *     "cipher": { "name": "aes-256-gcm", "iv": b64, "tag": b64 },
 *     "ciphertext": b64 }
 * whose plaintext is the UTF-8 JSON
 *   { "workspace": <workspace document>, "secrets": [ { "name", "namespace"?, "data": { key: value } } ] }
 *
 * Import accepts either, migrates and validates the workspace, and hands back the secrets for the
 * caller to put into its vault; it writes nothing itself.
 */
import { secretReferences } from '../../../gateway/config/secret-references';
import '../../../gateway/config/zod-jitless';
import * as z from 'zod';
import { ResourceName, type Workspace } from '../../../gateway/config/schema';
import { WorkspaceValidationError, describeFieldErrors, validateWith, validateWorkspace } from '../../../gateway/config/validate';
import type { SecretRef, SecretVault, StoredSecret } from '../vault/secret-vault';
import { BundleError, DEFAULT_SCRYPT, isSealedEnvelope, openWithPassphrase, sealWithPassphrase, type ScryptParams } from './bundle-crypto';
import { readJsonOrYaml } from '../../../gateway/config/parse-document';
import { secretKeySchema } from '../../../gateway/config/secret-names';
import { decodeWorkspaceDocument, encodeWorkspace } from './workspace-document';

const BundleSecret = z
  .object({
    name: ResourceName,
    namespace: ResourceName.optional(),
    data: z.record(secretKeySchema('a secret key name'), z.string()),
  })
  .strict();

const BundlePayload = z.object({ workspace: z.unknown(), secrets: z.array(BundleSecret) }).strict();

function validOrThrow(workspace: unknown): Workspace {
  const result = validateWorkspace(workspace);
  if (!result.ok) throw new WorkspaceValidationError(result.errors, 'workspace');
  return result.value;
}

/** The plain export: no secret values, only references. */
export function exportWorkspace(workspace: unknown): string {
  return encodeWorkspace(validOrThrow(workspace));
}

export async function readReferencedSecrets(workspace: Workspace, vault: Pick<SecretVault, 'get'>): Promise<{ secrets: StoredSecret[]; missing: SecretRef[] }> {
  const secrets: StoredSecret[] = [];
  const missing: SecretRef[] = [];
  for (const ref of secretReferences(workspace)) {
    const secret = await vault.get(ref);
    if (secret) secrets.push(secret);
    else missing.push(ref);
  }
  return { secrets, missing };
}

/** The encrypted bundle, workspace plus secret values; throws BundleError for a missing or short passphrase. */
export async function exportEncryptedBundle(workspace: unknown, secrets: readonly StoredSecret[], passphrase: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const checked = validateWith(z.array(BundleSecret), secrets);
  if (!checked.ok) throw new BundleError('GATEHOUSE_BUNDLE_INVALID', `cannot export secrets:\n${describeFieldErrors(checked.errors)}`);
  const payload = Buffer.from(JSON.stringify({ workspace: validOrThrow(workspace), secrets: checked.value }), 'utf8');
  try {
    return `${JSON.stringify(await sealWithPassphrase(payload, passphrase, params), null, 2)}\n`;
  } finally {
    payload.fill(0);
  }
}

export interface ImportedWorkspace {
  workspace: Workspace;
  /** Secret values from an encrypted bundle; always empty for a plain export. */
  secrets: StoredSecret[];
  encrypted: boolean;
  fromVersion: number;
  migrations: string[];
}

export interface ImportOptions {
  /** Needed for encrypted bundles only. */
  passphrase?: string;
  /** Names the file in error messages. */
  source?: string;
}

/**
 * Reads a plain export or an encrypted bundle. Throws DocumentSyntaxError (line/column),
 * WorkspaceValidationError (field paths), WorkspaceVersionError or BundleError (passphrase, format).
 */
export async function importWorkspace(text: string, options: ImportOptions = {}): Promise<ImportedWorkspace> {
  const source = options.source ?? 'imported workspace';
  const document = await readJsonOrYaml(text, source);
  if (!isSealedEnvelope(document)) {
    const decoded = decodeWorkspaceDocument(document, source);
    if (!decoded.ok) throw decoded.problem;
    return { workspace: decoded.workspace, secrets: [], encrypted: false, fromVersion: decoded.fromVersion, migrations: decoded.migrations };
  }
  const plaintext = await openWithPassphrase(document, options.passphrase);
  let payload: unknown;
  try {
    payload = JSON.parse(plaintext.toString('utf8'));
  } catch {
    throw new BundleError('GATEHOUSE_BUNDLE_INVALID', `${source}: the decrypted content is not JSON`);
  } finally {
    plaintext.fill(0);
  }
  const checked = validateWith(BundlePayload, payload);
  if (!checked.ok) throw new BundleError('GATEHOUSE_BUNDLE_INVALID', `${source}: ${describeFieldErrors(checked.errors)}`);
  const decoded = decodeWorkspaceDocument(checked.value.workspace, source);
  if (!decoded.ok) throw decoded.problem;
  const secrets = checked.value.secrets.map((s): StoredSecret => (s.namespace !== undefined ? { name: s.name, namespace: s.namespace, data: s.data } : { name: s.name, data: s.data }));
  return { workspace: decoded.workspace, secrets, encrypted: true, fromVersion: decoded.fromVersion, migrations: decoded.migrations };
}
