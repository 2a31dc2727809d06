// Kyma `Application` resources (and the bare `services:` sections Kyma's documentation shows).
import { randomUUID } from 'node:crypto';
import type { KymaApplicationInput } from '../../../gateway/config/kyma-application-schema';
import { ImportError, emptyImport, resourceNameFrom, type ImportResult } from './import-result';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function pick<T extends Json>(value: Json, keys: readonly string[]): T {
  return Object.fromEntries(keys.filter((k) => value[k] !== undefined).map((k) => [k, value[k]])) as T;
}

function service(raw: unknown, i: number, source: string): NonNullable<KymaApplicationInput['services']>[number] {
  if (!isObject(raw)) throw new ImportError(source, `services[${i}]`, 'expected an object');
  const entries = Array.isArray(raw.entries) ? raw.entries.filter((e): e is Json => isObject(e) && (e.type ?? 'API') === 'API') : [];
  if (entries.length === 0) throw new ImportError(source, `services[${i}].entries`, 'expected an entry of type API');
  const displayName = String(raw.displayName ?? raw.name ?? `service-${i}`);
  const entry = entries[0]!;
  const credentials = isObject(entry.credentials) ? pick(entry.credentials, ['type', 'secretName', 'authenticationUrl', 'csrfInfo']) : undefined;
  return {
    id: typeof raw.id === 'string' && raw.id !== '' ? raw.id : randomUUID(),
    name: typeof raw.name === 'string' && raw.name !== '' ? raw.name : resourceNameFrom(displayName),
    displayName,
    description: typeof raw.description === 'string' ? raw.description : '',
    providerDisplayName: typeof raw.providerDisplayName === 'string' ? raw.providerDisplayName : '',
    // Checked against the schema with the whole workspace, so errors name the field.
    entries: [{ ...pick<Json>(entry, ['type', 'targetUrl', 'requestParametersSecretName']), ...(credentials ? { credentials } : {}) } as never],
  };
}

export function importKymaApplication(doc: Json, source: string, options: { name?: string; namespace?: string } = {}): ImportResult {
  const spec = isObject(doc.spec) ? doc.spec : doc;
  const metadata = isObject(doc.metadata) ? doc.metadata : {};
  const name = resourceNameFrom(options.name ?? String(metadata.name ?? 'imported-application'));
  const services = Array.isArray(spec.services) ? spec.services : [];
  const result = emptyImport();
  if (entriesWithMoreThanOne(services)) result.notes.push('services: only the first API entry of each service is served');
  result.notes.push(encodeUrlNoteFor(spec.encodeUrl, isObject(doc.spec) ? 'spec.encodeUrl' : 'encodeUrl', source));
  result.applications.push({
    name,
    ...(options.namespace ? { namespace: options.namespace } : {}),
    description: typeof spec.description === 'string' ? spec.description : '',
    skipVerify: spec.skipVerify === true,
    services: services.map((s, i) => service(s, i, source)),
  });
  return result;
}

function entriesWithMoreThanOne(services: unknown[]): boolean {
  return services.some((s) => isObject(s) && Array.isArray(s.entries) && s.entries.length > 1);
}

/**
 * What becomes of Kyma's `encodeUrl` (default true): with it, Kyma's Application Gateway decodes the caller's path
 * and encodes it anew (internal/proxy/proxy.go; `%2F` becomes `/`, `%7E` becomes `~`). The gateway forwards the
 * path as the caller encoded it, which is Kyma's `encodeUrl: false` (only escaped unreserved characters such as
 * `%7E` go out as the characters, as routing reads them: gateway/server/request-path.ts), and the workspace does
 * not keep the field.
 */
function encodeUrlNoteFor(encodeUrl: unknown, field: string, source: string): string {
  if (encodeUrl !== undefined && typeof encodeUrl !== 'boolean') throw new ImportError(source, field, 'expected true or false');
  const forwarding = "the gateway forwards the caller's path with the caller's own percent-encoding";
  if (encodeUrl === false) return `${field}: false is honoured (${forwarding}), but the workspace does not keep it: a cluster push leaves Kyma's default, true`;
  const given = encodeUrl === undefined ? ' (absent, so Kyma\'s default true)' : ': true';
  return `${field}${given} is not honoured: ${forwarding} (as Kyma does with encodeUrl: false), not decoded and encoded anew (a %2F stays %2F)`;
}
