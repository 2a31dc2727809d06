// Where the workspace names a secret. The scan is generic (any object with a `secret` name, as in
// consumers' password references and services' endpoint security, sandbox, TLS CA and request
// parameters), so new kinds of references the workspace model gains are found without changes here.
// Kyma applications name their secrets in Kyma's own fields; they are scanned as the services the gateway
// makes of them (gateway/config/kyma-services), so the two cannot disagree.
import { kymaApplicationServices } from '../../../gateway/config/kyma-services';
import { formatFieldPath } from '../../../gateway/config/validate';
import { secretId as sharedSecretId } from '../../../gateway/config/secret-names';
import type { Workspace } from '../../../gateway/config/schema';

export interface SecretUse {
  secret: string;
  namespace?: string;
  /** Keys the reference names (`key`, `usernameKey`, `passwordKey`, ...). */
  keys: string[];
  /** Field path of the reference, as in the workspace file. */
  path: string;
  /** Who uses it, e.g. `consumer alex` or `service basic-auth-app`. */
  owner: string;
}

const OWNERS: Record<string, (item: Record<string, unknown>) => string | undefined> = {
  consumers: (c) => (typeof c.username === 'string' ? `consumer ${c.username}` : undefined),
  services: (s) => (typeof s.name === 'string' ? `service ${s.name}` : undefined),
  routes: (r) => (typeof r.name === 'string' ? `route ${r.name}` : undefined),
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function secretUses(workspace: Workspace): SecretUse[] {
  const out: SecretUse[] = [];
  const visit = (value: unknown, path: (string | number)[], owner: string) => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, [...path, i], owner));
      return;
    }
    if (!isRecord(value)) return;
    if (typeof value.secret === 'string') {
      const keys = Object.entries(value)
        .filter(([k, v]) => (k === 'key' || k.endsWith('Key')) && typeof v === 'string')
        .map(([, v]) => v as string);
      out.push({ secret: value.secret, namespace: typeof value.namespace === 'string' ? value.namespace : undefined, keys, path: formatFieldPath(path), owner });
    }
    for (const [k, v] of Object.entries(value)) visit(v, [...path, k], owner);
  };
  for (const [section, ownerOf] of Object.entries(OWNERS)) {
    const items = (workspace as unknown as Record<string, unknown>)[section];
    if (!Array.isArray(items)) continue;
    items.forEach((item, i) => {
      if (isRecord(item)) visit(item, [section, i], ownerOf(item) ?? formatFieldPath([section, i]));
    });
  }
  workspace.applications.forEach((app, i) => {
    kymaApplicationServices(app).forEach((service, j) => {
      const before = out.length;
      visit(service, [], `application ${app.name}, service ${app.services[j]?.name ?? j}`);
      // The generated service has no path of its own: point at the application's service entry.
      for (const use of out.slice(before)) use.path = formatFieldPath(['applications', i, 'services', j, 'entries', 0]);
    });
  });
  return out;
}

/** The shared `namespace/name` form (gateway/config/secret-names.ts), from a use's parts. */
export function secretId(name: string, namespace?: string): string {
  return sharedSecretId({ name, namespace });
}

export function usesOf(uses: readonly SecretUse[], name: string, namespace?: string): SecretUse[] {
  return uses.filter((u) => u.secret === name && (u.namespace ?? '') === (namespace ?? ''));
}

/** The workspace items (`services[0]`, `applications[1].services[0]`, …) that name the secret: what a change to it touches. */
export function itemsUsing(workspace: Workspace, name: string, namespace?: string): string[] {
  const items = usesOf(secretUses(workspace), name, namespace).map((u) => /^(?:applications\[\d+\]\.services\[\d+\]|\w+\[\d+\])/.exec(u.path)?.[0] ?? u.path);
  return [...new Set(items)];
}

/** Another item that reads keys a write would change, with those keys. */
export interface OtherReader {
  owner: string;
  keys: string[];
}

/**
 * The items other than `owner` that read keys a write to the secret would change (keys they do not read are no
 * change to them): who would send, or sign in with, the values written there from then on.
 */
export function otherReaders(uses: readonly SecretUse[], write: { name: string; namespace?: string; keys: readonly string[] }, owner: string | undefined): OtherReader[] {
  const byOwner = new Map<string, Set<string>>();
  for (const use of usesOf(uses, write.name, write.namespace)) {
    if (use.owner === owner) continue;
    const touched = use.keys.filter((k) => write.keys.includes(k));
    if (touched.length === 0) continue;
    const keys = byOwner.get(use.owner) ?? new Set<string>();
    for (const key of touched) keys.add(key);
    byOwner.set(use.owner, keys);
  }
  return [...byOwner].map(([who, keys]) => ({ owner: who, keys: [...keys] }));
}

/** `service erp (keys username, password)`, for messages. */
export function describeReaders(readers: readonly OtherReader[]): string {
  return readers.map((r) => `${r.owner} (${r.keys.length === 1 ? 'key' : 'keys'} ${r.keys.join(', ')})`).join(', ');
}
