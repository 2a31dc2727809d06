// Maps field errors (paths as written in the workspace: `services[2].upstream.url`, or a request's own
// paths: `headers[0].name`) onto the form fields that show them. The paths come from the same zod schemas
// in the renderer (before sending) and in main (after), so one mapping serves both.
import { formatFieldPath, type FieldError } from '../../../gateway/config/validate';

export type FieldPath = readonly (string | number)[];

export interface FieldMessage {
  /** The part of the path below the field (`[1]` for the second host), empty when the field itself is wrong. */
  detail: string;
  message: string;
}

export class FieldErrors {
  readonly #errors: readonly FieldError[];
  readonly #prefix: FieldPath;

  constructor(errors: readonly FieldError[] = [], prefix: FieldPath = []) {
    this.#errors = errors;
    this.#prefix = prefix;
  }

  static readonly none = new FieldErrors();

  get all(): readonly FieldError[] {
    return this.#errors;
  }

  get count(): number {
    return this.#errors.length;
  }

  /** The errors of one field and of everything below it (a list's items, an object's members). */
  for(field: FieldPath): FieldMessage[] {
    const own = this.#pathOf(field);
    const out: FieldMessage[] = [];
    for (const e of this.#errors) {
      if (e.path === own) out.push({ detail: '', message: e.message });
      else if (own !== '(root)' && (e.path.startsWith(`${own}.`) || e.path.startsWith(`${own}[`))) out.push({ detail: e.path.slice(own.length), message: e.message });
    }
    return out;
  }

  /** Errors no listed field shows: the form lists them in its summary, with their path. */
  unclaimed(fields: readonly FieldPath[]): FieldError[] {
    return this.#errors.filter((e) => !fields.some((f) => {
      const own = this.#pathOf(f);
      return e.path === own || e.path.startsWith(`${own}.`) || e.path.startsWith(`${own}[`);
    }));
  }

  #pathOf(field: FieldPath): string {
    return formatFieldPath([...this.#prefix, ...field]);
  }
}

/**
 * The messages of a field that edits one member of the object at its path (the CSRF field edits `csrf`'s
 * `tokenEndpointUrl`): that member's messages are the field's own, not prefixed with its name.
 */
export function claimMember(messages: readonly FieldMessage[], member: string): FieldMessage[] {
  return messages.map((m) => (m.detail === `.${member}` ? { ...m, detail: '' } : m));
}

/** `[1]` → "item 2", `.name` → "name", `[0].name` → "item 1 name": how a sub-path reads next to its field. */
export function describeDetail(detail: string): string {
  return detail
    .replace(/\[(\d+)\]/g, (_m, n: string) => ` item ${Number(n) + 1} `)
    .replace(/\[("(?:[^"\\]|\\.)*")\]/g, (_m, key: string) => ` ${JSON.parse(key) as string} `)
    .replace(/\./g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
