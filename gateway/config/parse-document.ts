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
 * What each of yaml's error codes (yaml's ErrorCode) means, in our words. yaml's messages quote the document (an
 * alias's name, a tag, an escape sequence, a block scalar's header, a value's first character), and in a secrets
 * file or a Secret's stringData that text is a secret's value; so a message is never made from yaml's text, only
 * from its code and position. A code not listed here (a later yaml's) is said as SYNTAX_ERROR.
 */
const YAML_ERROR_WORDING: Readonly<Record<string, string>> = {
  ALIAS_PROPS: 'an alias (*name) cannot have a tag or an anchor',
  BAD_ALIAS: 'an alias or anchor name is empty or ends in ":" (quote a value that starts with * or &)',
  BAD_COLLECTION_TYPE: 'a tag (!!…) for another kind of collection than the one it is on',
  BAD_DIRECTIVE: 'a directive (a line starting with %) that cannot be read',
  BAD_DQ_ESCAPE: 'Invalid escape sequence in a double-quoted string (write a backslash as \\\\)',
  BAD_INDENT: 'indentation that does not line up with the lines around it',
  BAD_PROP_ORDER: 'a tag or an anchor before a "-", "?" or ":" indicator (it goes after it)',
  BAD_SCALAR_START: 'Plain value cannot start with a reserved character (quote the value)',
  BLOCK_AS_IMPLICIT_KEY: 'a nested mapping or a block sequence where a key should be (one line holds two "key: value")',
  BLOCK_IN_FLOW: 'a block collection inside a flow collection ([…] or {…})',
  DUPLICATE_KEY: 'Map keys must be unique: a key is repeated in one object',
  KEY_OVER_1024_CHARS: 'a key longer than 1024 characters without "?"',
  MISSING_CHAR: 'a character is missing (a closing quote, a ":" after a key, a "," between items, or a space)',
  MULTILINE_IMPLICIT_KEY: 'a key that goes on past its line (a ":" or a closing quote missing?)',
  MULTIPLE_ANCHORS: 'a value with more than one anchor',
  MULTIPLE_DOCS: 'more than one document (---) where one is read',
  MULTIPLE_TAGS: 'a value with more than one tag',
  NON_STRING_KEY: 'a key that is not a string',
  RESOURCE_EXHAUSTION: 'more than yaml can compose (nested too deep to read)',
  TAB_AS_INDENT: 'Tabs are not allowed as indentation',
  TAG_RESOLVE_FAILED: 'a tag (!…) Gatehouse does not read: a value is plain text here, so quote one that starts with "!"',
  UNEXPECTED_TOKEN: 'unexpected text here (a stray character, or text after a value, a closing bracket or a block scalar\'s | or >)',
};

const SYNTAX_ERROR = 'not valid YAML here';

/**
 * A yaml error said without its text (YAML_ERROR_WORDING). A position is given apart, as line and column.
 * Exported for the tests, which provoke every code with a secret-looking value.
 */
export function yamlErrorDetail(code: string | undefined): string {
  return (code !== undefined && Object.hasOwn(YAML_ERROR_WORDING, code) ? YAML_ERROR_WORDING[code] : undefined) ?? SYNTAX_ERROR;
}

/** Why toJS failed, in our words too: yaml's ReferenceError quotes the alias's name. */
function toJsFailureDetail(failure: unknown): string {
  if (failure instanceof ReferenceError && failure.message.startsWith('Excessive alias count')) return 'aliases that expand the document past a bound (an alias bomb)';
  if (failure instanceof ReferenceError && failure.message.startsWith('Unresolved alias')) return 'Unresolved alias (the anchor must be set before the alias)';
  return 'the document cannot be read';
}

/** yaml's warnings that it read a value without its tag: an unknown tag, or one for another kind of collection. */
const IGNORED_TAGS: ReadonlySet<string> = new Set(['TAG_RESOLVE_FAILED', 'BAD_COLLECTION_TYPE']);

/** How a document is read beyond yaml's own options. */
export interface DocumentReading {
  /**
   * A tag yaml does not know (`!custom`, `!<x>`) is read as yaml reads it (its value's text, with a warning), as a
   * kubeconfig always was. Otherwise it is refused, naming the line: yaml reads `password: !<x>` as an empty string,
   * and a secret's value must be the text written.
   */
  unknownTagsAsText?: boolean;
}

/** The value of a document yaml parsed, or a DocumentSyntaxError naming where it fails and never what it says. */
export function yamlDocumentValue(doc: Pick<Yaml.Document, 'errors' | 'warnings' | 'toJS'>, source: string, reading: DocumentReading = {}): unknown {
  const error = doc.errors[0] ?? (reading.unknownTagsAsText ? undefined : doc.warnings.find((warning) => IGNORED_TAGS.has(warning.code)));
  if (error) {
    const pos = error.linePos?.[0];
    throw new DocumentSyntaxError(source, pos?.line, pos?.col, yamlErrorDetail(error.code));
  }
  let value: unknown;
  try {
    value = doc.toJS();
  } catch (failure) {
    // toJS throws for an alias whose anchor is not set before it, and for an alias count that would expand the
    // document past a bound (a "billion laughs" document): a syntax error like the others, not a crash.
    throw new DocumentSyntaxError(source, undefined, undefined, toJsFailureDetail(failure));
  }
  // Aliases can nest a value deeper than the text it came from (checkYamlDepth read the text).
  return withinDepth(source, value);
}

/** Refuses a text nested deeper than MAX_DOCUMENT_DEPTH before yaml composes it (yaml-depth.ts says why). */
export function checkYamlDepth(text: string, source: string, Parser: YamlModule['Parser']): void {
  if (yamlNestsDeeperThan(text, Parser, MAX_DOCUMENT_DEPTH)) throw new DocumentSyntaxError(source, undefined, undefined, TOO_DEEP);
}

/** What else yaml is told: the YAML version and schema of a format read as another program reads it (a kubeconfig). */
export type YamlReading = Pick<Yaml.ParseOptions & Yaml.DocumentOptions & Yaml.SchemaOptions, 'version' | 'customTags'> & DocumentReading;

function parseYaml(text: string, source: string, yaml: YamlModule, { unknownTagsAsText, ...options }: YamlReading = {}): unknown {
  checkYamlDepth(text, source, yaml.Parser);
  // Merge keys (`<<: *defaults`) as kubectl reads them (go-yaml merges them; yaml's YAML 1.2 mode kept a "<<" key).
  return yamlDocumentValue(yaml.parseDocument(text, { merge: true, ...options, prettyErrors: true, uniqueKeys: true }), source, { unknownTagsAsText });
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
