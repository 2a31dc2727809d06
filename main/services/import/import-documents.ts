// One entry point for every document format Gatehouse imports; each document's kind is recognised by
// its shape, as a user pastes it from the peers' documentation (JSON members, YAML, several documents).
import { Parser, parseAllDocuments } from 'yaml';
import { checkYamlDepth, yamlDocumentValue } from '../../../gateway/config/parse-document';
import { importApkEndpointConfig, importApkServiceInfo } from './apk-endpoint-config';
import { importApkConf } from './apk-conf';
import { importApisixConsumer, importApisixRoute } from './apisix';
import { importKubernetesSecret } from './kubernetes-secret';
import { importKymaApplication } from './kyma-application';
import { ImportError, emptyImport, resourceNameFrom, type ImportResult } from './import-result';
import { fillPlaceholders } from './template-variables';

export interface ImportOptions {
  /** Name for the imported API or application, where the document has none. */
  name?: string;
  /** Values for `{{Placeholders}}`. */
  vars?: Readonly<Record<string, string>>;
  /** Namespace of the Secrets a Kyma application's entries name. */
  namespace?: string;
  /** A Kubernetes Secret's `data` values are plain text to keep as written, not base64 (docs' placeholders invite that). */
  plainSecretData?: boolean;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export type DocumentKind = 'apk-endpoint-config' | 'apk-service-info' | 'apk-conf' | 'kyma-application' | 'kubernetes-secret' | 'apisix-consumer' | 'apisix-route';

/** Kong's declarative configuration (decK, kong.yml) has a `services:` list too: it is not Kyma's. */
const isKongDeclarative = (doc: Json): boolean => '_format_version' in doc;

export function documentKind(doc: Json): DocumentKind | undefined {
  const routeLike = 'uri' in doc || 'uris' in doc;
  if (doc.kind === 'Secret') return 'kubernetes-secret';
  if (isKongDeclarative(doc)) return undefined;
  if (doc.kind === 'Application' || (Array.isArray(doc.services) && doc.kind === undefined && !routeLike)) return 'kyma-application';
  if ('endpointConfig' in doc) return 'apk-endpoint-config';
  if ('serviceInfo' in doc) return 'apk-service-info';
  if ('endpointConfigurations' in doc) return 'apk-conf';
  if (typeof doc.username === 'string' && !routeLike) return 'apisix-consumer';
  if (typeof doc.uri === 'string' || Array.isArray(doc.uris)) return 'apisix-route';
  return undefined;
}

function merge(into: ImportResult, from: ImportResult): void {
  into.services.push(...from.services);
  into.routes.push(...from.routes);
  into.consumers.push(...from.consumers);
  into.applications.push(...from.applications);
  into.secrets.push(...from.secrets);
  into.notes.push(...from.notes);
}

function importOne(doc: Json, source: string, options: ImportOptions): ImportResult {
  switch (documentKind(doc)) {
    case 'apk-endpoint-config': return importApkEndpointConfig(doc.endpointConfig, source, options);
    case 'apk-service-info': return importApkServiceInfo(doc.serviceInfo, source, options);
    case 'apk-conf': return importApkConf(doc, source, options);
    case 'kyma-application': return importKymaApplication(doc, source, options);
    case 'kubernetes-secret': {
      const result = emptyImport();
      const { secret, notes } = importKubernetesSecret(doc, source, options);
      result.secrets.push(secret);
      result.notes.push(...notes);
      return result;
    }
    case 'apisix-consumer': return importApisixConsumer(doc, source);
    case 'apisix-route': return importApisixRoute(doc, source, options);
    default:
      if (isKongDeclarative(doc)) throw new ImportError(source, '(document)', 'a Kong declarative configuration (_format_version), which Gatehouse does not import: its services, routes and basic-auth consumers are entered in the app or the workspace file');
      throw new ImportError(source, '(document)', `not a format Gatehouse imports: expected APK endpointConfig/serviceInfo/APK Conf, a Kyma Application (or its services), a Kubernetes Secret, or an APISIX consumer/route (keys found: ${Object.keys(doc).slice(0, 6).join(', ') || 'none'})`);
  }
}

/**
 * Snippets copied from documentation often lose the indentation of their first line (Kyma's CSRF example
 * starts " services:" over "  - id:"). When the text does not parse, it is tried once more with the first
 * line indented like the next one; if that parses, it is what the author meant.
 */
function realignFirstLine(text: string): string | undefined {
  const lines = text.split('\n');
  const first = lines.findIndex((l) => l.trim() !== '');
  const next = lines.findIndex((l, i) => i > first && l.trim() !== '');
  if (first < 0 || next < 0) return undefined;
  const indent = (l: string) => l.length - l.trimStart().length;
  if (indent(lines[first]!) >= indent(lines[next]!)) return undefined;
  lines[first] = ' '.repeat(indent(lines[next]!)) + lines[first]!.trimStart();
  return lines.join('\n');
}

function parseDocuments(text: string, source: string) {
  const parse = (t: string) => {
    checkYamlDepth(t, source, Parser);
    return parseAllDocuments(t, { uniqueKeys: true, prettyErrors: true });
  };
  const documents = parse(text);
  const list = Array.isArray(documents) ? documents : [documents];
  if (list.every((d) => d.errors.length === 0)) return list;
  const realigned = realignFirstLine(text);
  if (realigned === undefined) return list;
  const retried = parse(realigned);
  const retriedList = Array.isArray(retried) ? retried : [retried];
  return retriedList.every((d) => d.errors.length === 0) ? retriedList : list;
}

/** Reads every document in `text` (JSON, a JSON member such as `"endpointConfig": {...}`, or YAML, `---`-separated). */
export function importDocuments(text: string, source: string, options: ImportOptions = {}): ImportResult {
  const filled = fillPlaceholders(text, options.vars ?? {}, source);
  const result = emptyImport();
  const list = parseDocuments(filled, source);
  list.forEach((document, index) => {
    const value = yamlDocumentValue(document, source);
    if (value === null || value === undefined) return;
    const label = list.length > 1 ? `${source} (document ${index + 1})` : source;
    if (!isObject(value)) throw new ImportError(label, '(document)', 'expected an object');
    merge(result, importOne(value, label, options));
  });
  // The name asked for (--name, the app's Name field) is made a lowercase one, as the cluster's objects need: said,
  // not done silently.
  const asked = options.name;
  if (asked !== undefined && resourceNameFrom(asked) !== asked) {
    const used = resourceNameFrom(asked);
    if ([...result.services, ...result.applications].some((item) => item.name === used)) result.notes.push(`name "${asked}" is imported as "${used}" (lowercase letters, digits, ".", "_" and "-", as names in a cluster go)`);
  }
  return result;
}
