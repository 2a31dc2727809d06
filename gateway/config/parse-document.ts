import { parseDocument } from 'yaml';
import { GatehouseError } from '../errors/gatehouse-error';

export class DocumentSyntaxError extends GatehouseError {
  readonly code = 'GATEHOUSE_SYNTAX_ERROR';
  constructor(readonly source: string, readonly line: number | undefined, readonly column: number | undefined, detail: string) {
    super(`${source}${line !== undefined ? `:${line}:${column ?? 1}` : ''}: ${detail}`);
    this.name = 'DocumentSyntaxError';
  }
}

/** Parses JSON or YAML (YAML 1.2 reads JSON too); syntax errors carry the line and column. */
export function parseJsonOrYaml(text: string, source: string): unknown {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const pos = error.linePos?.[0];
    throw new DocumentSyntaxError(source, pos?.line, pos?.col, error.message.split('\n')[0] ?? 'syntax error');
  }
  return doc.toJS();
}
