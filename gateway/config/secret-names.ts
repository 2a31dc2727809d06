// How a secret is named, in every process: the workspace schema, the IPC contract, the vault, the bundle
// format and the renderer's forms all check names and keys with these rules, so anything a workspace can
// reference can be stored, and the vault can never be handed a name the workspace would refuse.
// Neither part can contain the "/" that separates namespace and name (and keychain account parts).
import './zod-jitless';
import * as z from 'zod';
import { loneSurrogateProblem, NO_UTF8_FORM } from './lone-surrogates';

/** A secret's name or namespace: like a Kubernetes name, but upper case, "." and "_" allowed. */
export const SECRET_NAME_PATTERN = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;
export const SECRET_NAME_RULE = 'letters, digits, ".", "_" or "-", 1-63 characters, starting and ending with a letter or digit';

/** A key inside a secret, as Kubernetes allows them in a Secret's data. */
export const SECRET_KEY_PATTERN = /^[A-Za-z0-9._-]{1,253}$/;
export const SECRET_KEY_RULE = 'letters, digits, ".", "_" or "-"';

/** A secret name (or namespace) in a zod schema; `what` leads the message ("a secret name: letters, ..."). */
export function secretNameSchema(what?: string): z.ZodString {
  return z.string().regex(SECRET_NAME_PATTERN, what ? `${what}: ${SECRET_NAME_RULE}` : SECRET_NAME_RULE);
}

/** A secret key name in a zod schema; `what` leads the message ("a secret key name: letters, ..."). */
export function secretKeySchema(what?: string): z.ZodString {
  return z.string().regex(SECRET_KEY_PATTERN, what ? `${what}: ${SECRET_KEY_RULE}` : SECRET_KEY_RULE);
}

/** How a secret value that cannot be stored as typed is refused, naming no value. */
export const UNSTORABLE_SECRET_VALUE = `${NO_UTF8_FORM}: the vault would store U+FFFD in its place, not the value typed`;

/**
 * A secret's value in a zod schema: text of at most 1,000,000 characters, none of it a lone surrogate
 * (lone-surrogates.ts): the vault stores UTF-8, so such a value would be kept as one nobody typed.
 */
export function secretValueSchema(): z.ZodString {
  return z.string().max(1_000_000).refine((value) => loneSurrogateProblem(value) === undefined, UNSTORABLE_SECRET_VALUE);
}

/** Which secret: a name, and the namespace it lives in when it has one. */
export interface SecretRef {
  name: string;
  namespace?: string;
}

/** A secret's one-string form, `namespace/name` (or `name`): how it is shown, and its key in maps. */
export function secretId(ref: SecretRef): string {
  return ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name;
}

/**
 * A new secret refused because the vault holds one by that name (and namespace): the Secrets form says it on its
 * Name field, naming the items that use it (`users`), and main for a `secrets:update` with `createOnly`. Saved, the
 * new keys would merge into that secret, and whoever signs in or calls with it would get the values typed here.
 */
export function secretNameTaken(ref: SecretRef, users: readonly string[] = []): string {
  return `a secret named ${secretId(ref)} already exists${users.length > 0 ? ` (used by ${users.join(', ')})` : ''}: open it to change it, or choose another name`;
}

/** `namespace/name` or `name`, each part a secret name: how files and maps key secrets. */
export const SECRET_ID_PATTERN = new RegExp(`^(?:${SECRET_NAME_PATTERN.source.slice(1, -1)}/)?${SECRET_NAME_PATTERN.source.slice(1, -1)}$`);

/** The inverse of `secretId`, for an id that matches SECRET_ID_PATTERN. */
export function parseSecretId(id: string): SecretRef {
  const slash = id.indexOf('/');
  return slash < 0 ? { name: id } : { namespace: id.slice(0, slash), name: id.slice(slash + 1) };
}
