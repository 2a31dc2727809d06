import type * as z from 'zod';
import { Workspace, WorkspaceAsStored } from './schema';
import { GatehouseError } from '../errors/gatehouse-error';

export interface FieldError {
  /** Field path as written in the workspace file, e.g. `routes[2].methods[0]`. */
  path: string;
  message: string;
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

export function formatFieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (typeof part === 'string' && /^[A-Za-z_$][\w$]*$/.test(part)) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(String(part))}]`;
  }
  return out || '(root)';
}

export function toFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({ path: formatFieldPath(issue.path), message: describeIssue(issue) }));
}

/** What a record key the key schema refuses is said with, before that schema's own rule. */
export const INVALID_KEY_NAME = 'not a valid key name';

function describeIssue(issue: z.core.$ZodIssue): string {
  // zod says "Invalid key in record" and keeps the key schema's message (its rule) inside: say the rule.
  if (issue.code === 'invalid_key') return `${INVALID_KEY_NAME}: ${[...new Set(issue.issues.map((i) => i.message))].join('; ')}`;
  if (issue.code === 'invalid_value') return `expected one of ${issue.values.map(String).join(', ')}`;
  if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return issue.message;
}

export function describeFieldErrors(errors: readonly FieldError[]): string {
  return errors.map((e) => `${e.path}: ${e.message}`).join('\n');
}

/** Validates untrusted input against a schema; errors name the field path. */
export function validateWith<S extends z.ZodType>(schema: S, input: unknown): ValidationResult<z.output<S>> {
  const result = schema.safeParse(input);
  return result.success ? { ok: true, value: result.data } : { ok: false, errors: toFieldErrors(result.error) };
}

export function validateWorkspace(input: unknown): ValidationResult<Workspace> {
  return validateWith(Workspace, input);
}

/** A workspace file the app reads back (WorkspaceAsStored: an unreachable item does not stop the load). */
export function validateStoredWorkspace(input: unknown): ValidationResult<Workspace> {
  return validateWith(WorkspaceAsStored, input);
}

export class WorkspaceValidationError extends GatehouseError {
  readonly code = 'GATEHOUSE_INVALID_WORKSPACE';
  constructor(readonly errors: FieldError[], source = 'workspace') {
    super(`invalid ${source}:\n${describeFieldErrors(errors)}`);
    this.name = 'WorkspaceValidationError';
  }
}

export function parseWorkspace(input: unknown, source?: string): Workspace {
  const result = validateWorkspace(input);
  if (!result.ok) throw new WorkspaceValidationError(result.errors, source);
  return result.value;
}
