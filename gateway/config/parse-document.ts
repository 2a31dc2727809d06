// Workspace and secrets documents: JSON or YAML. yaml (YAML 1.2 reads JSON too) is the reference for what a document
// means and how its errors read; JSON.parse answers first for a document that is plain JSON, because the gateway's
// files usually are and loading and running yaml costs the headless gateway about 2 MB of its idle memory (issue 16).
import type * as Yaml from 'yaml';
import { GatehouseError } from '../errors/gatehouse-error';
import { MAX_DOCUMENT_DEPTH, yamlNestsDeeperThan } from './yaml-depth';

export class DocumentSyntaxError extends GatehouseError {
  readonly code = 'GATEHOUSE_SYNTAX_ERROR';
  constructor(readonly source: string, readonly line: number | undefined, readonly column: number | undefined, detail: string) {
    super(`${source}${line !== undefined ? `:${line}:${column ?? 1}` : ''}: ${detail}`);
    this.name = 'DocumentSyntaxError';
  }
}

/** The yaml package, or the part of it used here. */
export type YamlModule = Pick<typeof Yaml, 'parseDocument' | 'Parser'>;

export { MAX_DOCUMENT_DEPTH };

const TOO_DEEP = `nested more than ${MAX_DOCUMENT_DEPTH} levels deep (a workspace goes about a dozen levels deep)`;

/** Keys of every object in a parsed value (arrays walked, not counted), and whether it nests beyond MAX_DOCUMENT_DEPTH. */
function walk(value: unknown): { members: number; tooDeep: boolean } {
  let members = 0;
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length > 0) {
    const [next, depth] = pending.pop()!;
    if (typeof next !== 'object' || next === null) continue;
    if (depth >= MAX_DOCUMENT_DEPTH) return { members, tooDeep: true };
    const children = Array.isArray(next) ? next : Object.values(next);
    if (!Array.isArray(next)) members += children.length;
    for (const child of children) pending.push([child, depth + 1]);
  }
  return { members, tooDeep: false };
}

/** A parsed value, refused when it nests beyond MAX_DOCUMENT_DEPTH (what walks it next may be recursive). */
function withinDepth<T>(source: string, value: T): T {
  if (walk(value).tooDeep) throw new DocumentSyntaxError(source, undefined, undefined, TOO_DEEP);
  return value;
}

/** Colons outside string literals: in valid JSON, exactly one per object member written. */
function memberSeparators(json: string): number {
  let colons = 0;
  let inString = false;
  for (let i = 0; i < json.length; i += 1) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1; // a backslash escapes the next character (\" included)
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x3a) colons += 1;
  }
  return colons;
}

/**
 * The document's value when it is JSON in which no object repeats a key, else undefined (yaml then decides, and
 * reports the repeated key or the syntax error with its line). JSON.parse keeps the last of repeated keys, so they
 * are found by counting: every member written has one colon outside strings, and every key kept is one member.
 */
function plainJson(text: string, source: string): { value: unknown } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const { members, tooDeep } = walk(value);
  if (tooDeep) throw new DocumentSyntaxError(source, undefined, undefined, TOO_DEEP);
  return members === memberSeparators(text) ? { value } : undefined;
}

/**
 * yaml's messages that quote the document without a colon before the quote: an escape sequence with up to eight
 * characters after it (`\\USECRET-1`, from a password with a backslash), a value's first character. Said by their
 * code instead.
 */
const QUOTING_YAML_ERRORS: Record<string, string> = {
  BAD_DQ_ESCAPE: 'Invalid escape sequence in a double-quoted string (write a backslash as \\\\)',
  BAD_SCALAR_START: 'Plain value cannot start with a reserved character (quote the value)',
};

/**
 * yaml's description of an error, without the source text some of its messages quote after a colon (an alias's
 * name, the rest of a block scalar's header): in a secrets file or a Secret's stringData that text is a secret's
 * value. The position is given apart, as line and column.
 */
function yamlErrorDetail(message: string, code?: string): string {
  if (code !== undefined && QUOTING_YAML_ERRORS[code]) return QUOTING_YAML_ERRORS[code];
  const first = message.split('\n')[0]!.replace(/ at line \d+, column \d+:?\s*$/, '');
  return first.replace(/:\s.*$/, '') || 'syntax error';
}

/** The value of a document yaml parsed, or a DocumentSyntaxError naming where it fails and never what it says. */
export function yamlDocumentValue(doc: Pick<Yaml.Document, 'errors' | 'toJS'>, source: string): unknown {
  const error = doc.errors[0];
  if (error) {
    const pos = error.linePos?.[0];
    throw new DocumentSyntaxError(source, pos?.line, pos?.col, yamlErrorDetail(error.message, error.code));
  }
  let value: unknown;
  try {
    value = doc.toJS();
  } catch (failure) {
    // toJS throws for an alias whose anchor is not set before it, and for an alias count that would expand the
    // document past a bound (a "billion laughs" document): a syntax error like the others, not a crash.
    throw new DocumentSyntaxError(source, undefined, undefined, failure instanceof Error ? yamlErrorDetail(failure.message) : 'the document cannot be read');
  }
  // Aliases can nest a value deeper than the text it came from (checkYamlDepth read the text).
  return withinDepth(source, value);
}

/** Refuses a text nested deeper than MAX_DOCUMENT_DEPTH before yaml composes it (yaml-depth.ts says why). */
export function checkYamlDepth(text: string, source: string, Parser: YamlModule['Parser']): void {
  if (yamlNestsDeeperThan(text, Parser, MAX_DOCUMENT_DEPTH)) throw new DocumentSyntaxError(source, undefined, undefined, TOO_DEEP);
}

/** What else yaml is told: the YAML version and schema of a format read as another program reads it (a kubeconfig). */
export type YamlReading = Pick<Yaml.ParseOptions & Yaml.DocumentOptions & Yaml.SchemaOptions, 'version' | 'customTags'>;

function parseYaml(text: string, source: string, yaml: YamlModule, reading: YamlReading = {}): unknown {
  checkYamlDepth(text, source, yaml.Parser);
  return yamlDocumentValue(yaml.parseDocument(text, { ...reading, prettyErrors: true, uniqueKeys: true }), source);
}

/** Parses JSON or YAML with the yaml module given; syntax errors (a repeated key included) carry the line and column. */
export function parseJsonOrYaml(text: string, source: string, yaml: YamlModule, reading?: YamlReading): unknown {
  const json = plainJson(text, source);
  return json ? json.value : parseYaml(text, source, yaml, reading);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A file's bytes as text (a leading BOM dropped). A file that is not UTF-8 is refused: read with replacement
 * characters, a password or a name in it would silently change, and saving it again would lose the original bytes.
 */
export function utf8Text(bytes: Uint8Array, source: string): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new DocumentSyntaxError(source, undefined, undefined, 'not UTF-8 text; save the file as UTF-8');
  }
}

/** parseJsonOrYaml, loading yaml only for a document that is not plain JSON. */
export async function readJsonOrYaml(text: string, source: string): Promise<unknown> {
  const json = plainJson(text, source);
  return json ? json.value : parseYaml(text, source, await import('yaml'));
}
