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

/**
 * Each of zod's issues as a field error. Given the input that was checked, a missing field is said to be
 * `required` (zod said "Invalid input: expected string, received undefined"), an empty document to be empty, and a
 * value that could be one of several shapes (an upstream's `url` or `serviceInfo`) is judged as the shape it is
 * closest to, naming the field inside it (zod said "Invalid input" of the whole).
 */
export function toFieldErrors(error: z.ZodError, input: unknown = NO_INPUT): FieldError[] {
  const read = input === NO_INPUT ? undefined : (path: readonly PropertyKey[]) => valueAt(input, path);
  return error.issues.flatMap((issue) => fieldErrorsOf(issue, issue.path, read));
}

/** toFieldErrors was not given the input (an \`undefined\` input is one). */
const NO_INPUT = Symbol('no input');

const isRecord = (value: unknown): value is Record<PropertyKey, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) value = isRecord(value) || Array.isArray(value) ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

type ReadInput = ((path: readonly PropertyKey[]) => unknown) | undefined;

function fieldErrorsOf(issue: z.core.$ZodIssue, path: readonly PropertyKey[], read: ReadInput): FieldError[] {
  const at = formatFieldPath(path);
  if (!read) return [{ path: at, message: describeIssue(issue) }];
  const value = read(path);
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    if (value === undefined) return [{ path: at, message: 'required' }];
    // The shape with the fewest problems, when one has fewer than every other: the one the value meant to be.
    const sizes = issue.errors.map((branch) => branch.length);
    const fewest = Math.min(...sizes);
    if (isRecord(value) && sizes.filter((n) => n === fewest).length === 1) {
      return issue.errors[sizes.indexOf(fewest)]!.flatMap((inner) => fieldErrorsOf(inner, [...path, ...inner.path], read));
    }
  }
  if (issue.code === 'invalid_type' && value === undefined) return [{ path: at, message: `required: expected ${issue.expected}` }];
  if (issue.code === 'invalid_type' && value === null && path.length === 0) return [{ path: at, message: `empty: expected ${issue.expected}` }];
  return [{ path: at, message: describeIssue(issue) }];
}

/** What a record key the key schema refuses is said with, before that schema's own rule. */
export const INVALID_KEY_NAME = 'not a valid key name';

function describeIssue(issue: z.core.$ZodIssue): string {
  // zod says "Invalid key in record" and keeps the key schema's message (its rule) inside: say the rule.
  if (issue.code === 'invalid_key') return `${INVALID_KEY_NAME}: ${[...new Set(issue.issues.map((i) => i.message))].join('; ')}`;
  if (issue.code === 'invalid_value') return `expected one of ${issue.values.map(String).join(', ')}`;
  if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  // "Invalid input: expected string, received number": the field is named beside it, the rest says what is wrong.
  if (issue.code === 'invalid_type') return issue.message.replace(/^Invalid input: /, '');
  // zod's own wording of a size ("Too small: expected string to have >=1 characters"), where the schema gave none.
  if (issue.code === 'too_small' && issue.message.startsWith('Too small:')) return sizeRule('at least', issue.origin, Number(issue.minimum));
  if (issue.code === 'too_big' && issue.message.startsWith('Too big:')) return sizeRule('at most', issue.origin, Number(issue.maximum));
  return issue.message;
}

const UNITS: Readonly<Record<string, [string, string]>> = { string: ['character', 'characters'], array: ['item', 'items'], set: ['item', 'items'] };

/** `must not be empty`, `at most 256 characters`, `at least 1`. */
function sizeRule(bound: 'at least' | 'at most', origin: string, limit: number): string {
  const unit = UNITS[origin];
  if (!unit) return `${bound} ${limit}`;
  if (bound === 'at least' && limit === 1) return 'must not be empty';
  return `${bound} ${limit} ${limit === 1 ? unit[0] : unit[1]}`;
}

export function describeFieldErrors(errors: readonly FieldError[]): string {
  return errors.map((e) => `${e.path}: ${e.message}`).join('\n');
}

/** Validates untrusted input against a schema; errors name the field path. */
export function validateWith<S extends z.ZodType>(schema: S, input: unknown): ValidationResult<z.output<S>> {
  const result = schema.safeParse(input);
  return result.success ? { ok: true, value: result.data } : { ok: false, errors: toFieldErrors(result.error, input) };
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
