// Workspace and secrets documents: JSON or YAML. yaml (YAML 1.2 reads JSON too) is the reference for what a document
// means and how its errors read; JSON.parse answers first for a document that is plain JSON, because the gateway's
// files usually are and loading and running yaml costs the headless gateway about 2 MB of its idle memory (issue 16).
import type * as Yaml from 'yaml';
import { GatehouseError } from '../errors/gatehouse-error';

export class DocumentSyntaxError extends GatehouseError {
  readonly code = 'GATEHOUSE_SYNTAX_ERROR';
  constructor(readonly source: string, readonly line: number | undefined, readonly column: number | undefined, detail: string) {
    super(`${source}${line !== undefined ? `:${line}:${column ?? 1}` : ''}: ${detail}`);
    this.name = 'DocumentSyntaxError';
  }
}

/** The yaml package, or the part of it used here. */
export type YamlModule = Pick<typeof Yaml, 'parseDocument'>;

/** Keys of every object in a parsed JSON value (arrays walked, not counted). */
function objectMembers(value: unknown): number {
  let members = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next !== 'object' || next === null) continue;
    const children = Array.isArray(next) ? next : Object.values(next);
    if (!Array.isArray(next)) members += children.length;
    for (const child of children) pending.push(child);
  }
  return members;
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
function plainJson(text: string): { value: unknown } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return objectMembers(value) === memberSeparators(text) ? { value } : undefined;
}

function parseYaml(text: string, source: string, yaml: YamlModule): unknown {
  const doc = yaml.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const pos = error.linePos?.[0];
    throw new DocumentSyntaxError(source, pos?.line, pos?.col, error.message.split('\n')[0] ?? 'syntax error');
  }
  return doc.toJS();
}

/** Parses JSON or YAML with the yaml module given; syntax errors (a repeated key included) carry the line and column. */
export function parseJsonOrYaml(text: string, source: string, yaml: YamlModule): unknown {
  const json = plainJson(text);
  return json ? json.value : parseYaml(text, source, yaml);
}

/** parseJsonOrYaml, loading yaml only for a document that is not plain JSON. */
export async function readJsonOrYaml(text: string, source: string): Promise<unknown> {
  const json = plainJson(text);
  return json ? json.value : parseYaml(text, source, await import('yaml'));
}
