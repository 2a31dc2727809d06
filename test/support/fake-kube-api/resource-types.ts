import { parse } from 'yaml';
import type { JsonSchema } from './validation';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

const ALL_VERBS: Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: Verb[];
  /** Custom resources: the version's openAPIV3Schema, for validation, defaulting and pruning. */
  schema?: JsonSchema;
  /** Built-in kinds that return nothing but a review (SelfSubjectAccessReview). */
  createOnly?: boolean;
  /** Objects carry metadata.generation (custom resources do; Secrets do not). */
  hasGeneration: boolean;
}

export function apiVersionOf(type: Pick<ResourceType, 'group' | 'version'>): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

export const BUILTIN_TYPES: ResourceType[] = [
  {
    group: '', version: 'v1', kind: 'Namespace', listKind: 'NamespaceList', plural: 'namespaces', singular: 'namespace',
    namespaced: false, shortNames: ['ns'], categories: [], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], hasGeneration: false,
  },
  {
    group: '', version: 'v1', kind: 'Secret', listKind: 'SecretList', plural: 'secrets', singular: 'secret',
    namespaced: true, shortNames: [], categories: [], verbs: ALL_VERBS, hasGeneration: false,
  },
  {
    group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectAccessReview', listKind: 'SelfSubjectAccessReviewList',
    plural: 'selfsubjectaccessreviews', singular: 'selfsubjectaccessreview', namespaced: false, shortNames: [], categories: [],
    verbs: ['create'], createOnly: true, hasGeneration: false,
  },
];

interface CrdDocument {
  kind?: string;
  spec: {
    group: string;
    scope: 'Namespaced' | 'Cluster';
    names: { plural: string; singular?: string; kind: string; listKind?: string; shortNames?: string[]; categories?: string[] };
    versions: { name: string; served: boolean; storage: boolean; schema?: { openAPIV3Schema?: JsonSchema } }[];
  };
}

/** The served versions of a CustomResourceDefinition (YAML or object), as the API server registers them. */
export function typesFromCrd(crd: string | CrdDocument): ResourceType[] {
  const doc = (typeof crd === 'string' ? parse(crd) : crd) as CrdDocument;
  if (doc.kind !== undefined && doc.kind !== 'CustomResourceDefinition') throw new Error(`not a CustomResourceDefinition: ${doc.kind}`);
  const { group, scope, names } = doc.spec;
  return doc.spec.versions
    .filter((v) => v.served)
    .map((v) => ({
      group,
      version: v.name,
      kind: names.kind,
      listKind: names.listKind ?? `${names.kind}List`,
      plural: names.plural,
      singular: names.singular ?? names.kind.toLowerCase(),
      namespaced: scope === 'Namespaced',
      shortNames: names.shortNames ?? [],
      categories: names.categories ?? [],
      verbs: ALL_VERBS,
      ...(v.schema?.openAPIV3Schema ? { schema: v.schema.openAPIV3Schema } : {}),
      hasGeneration: true,
    }));
}

/** What the server serves: built-ins plus the CRDs installed so far. */
export class TypeRegistry {
  readonly #types: ResourceType[] = [...BUILTIN_TYPES];

  install(types: ResourceType[]): void {
    for (const type of types) {
      const at = this.#types.findIndex((t) => t.group === type.group && t.version === type.version && t.plural === type.plural);
      if (at >= 0) this.#types.splice(at, 1, type);
      else this.#types.push(type);
    }
  }

  uninstall(group: string, plural: string): void {
    for (let i = this.#types.length - 1; i >= 0; i--) {
      const t = this.#types[i]!;
      if (t.group === group && t.plural === plural) this.#types.splice(i, 1);
    }
  }

  all(): readonly ResourceType[] {
    return this.#types;
  }

  find(group: string, version: string, plural: string): ResourceType | undefined {
    return this.#types.find((t) => t.group === group && t.version === version && t.plural === plural);
  }

  groupVersions(group: string): string[] {
    return [...new Set(this.#types.filter((t) => t.group === group).map((t) => t.version))];
  }

  groups(): string[] {
    return [...new Set(this.#types.map((t) => t.group).filter((g) => g !== ''))];
  }
}
