import { randomUUID } from 'node:crypto';
import type { ResourceType } from './resource-types';

export type JsonObject = Record<string, unknown>;

/** etcd's role: objects by resource, namespace and name, one global resourceVersion counter. */
export class ObjectStore {
  #revision = 1000;
  readonly #objects = new Map<string, JsonObject>();
  readonly #listeners = new Set<(event: StoreEvent) => void>();

  private static key(type: Pick<ResourceType, 'group' | 'plural'>, namespace: string | undefined, name: string): string {
    return `${type.group}/${type.plural}/${namespace ?? ''}/${name}`;
  }

  get revision(): string {
    return String(this.#revision);
  }

  nextRevision(): string {
    this.#revision += 1;
    return String(this.#revision);
  }

  static newUid(): string {
    return randomUUID();
  }

  get(type: ResourceType, namespace: string | undefined, name: string): JsonObject | undefined {
    const found = this.#objects.get(ObjectStore.key(type, namespace, name));
    return found ? structuredClone(found) : undefined;
  }

  list(type: ResourceType, namespace: string | undefined): JsonObject[] {
    const prefix = `${type.group}/${type.plural}/`;
    return [...this.#objects.entries()]
      .filter(([k]) => k.startsWith(prefix) && (namespace === undefined || k.startsWith(`${prefix}${namespace}/`)))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, v]) => structuredClone(v));
  }

  put(type: ResourceType, namespace: string | undefined, name: string, object: JsonObject): void {
    const k = ObjectStore.key(type, namespace, name);
    const existed = this.#objects.has(k);
    this.#objects.set(k, structuredClone(object));
    this.#emit({ type: existed ? 'MODIFIED' : 'ADDED', resource: type, object });
  }

  delete(type: ResourceType, namespace: string | undefined, name: string): JsonObject | undefined {
    const k = ObjectStore.key(type, namespace, name);
    const found = this.#objects.get(k);
    if (!found) return undefined;
    this.#objects.delete(k);
    const gone = structuredClone(found);
    ((gone.metadata ??= {}) as JsonObject).resourceVersion = this.nextRevision();
    this.#emit({ type: 'DELETED', resource: type, object: gone });
    return gone;
  }

  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(event: StoreEvent): void {
    for (const listener of this.#listeners) listener({ ...event, object: structuredClone(event.object) });
  }
}

export interface StoreEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  resource: ResourceType;
  object: JsonObject;
}
