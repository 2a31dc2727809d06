import type { KymaApplicationInput } from '../../../gateway/config/kyma-application-schema';
import type { WorkspaceInput } from '../../../gateway/config/schema';
import { GatehouseError } from '../../../gateway/errors/gatehouse-error';

type ArrayItem<T> = T extends readonly (infer I)[] ? I : never;
export type ServiceInput = ArrayItem<WorkspaceInput['services']>;
export type RouteInput = ArrayItem<WorkspaceInput['routes']>;
export type ConsumerInput = ArrayItem<WorkspaceInput['consumers']>;

/** Where an imported Secret's keys were written, for messages about them: the document, and each key's field. */
export interface SecretOrigin {
  source: string;
  /** Per key, its field in the document (`stringData.username`, `data.password`). */
  fields: Record<string, string>;
}

/** A secret value found in an imported document: it goes to the vault, never into the workspace. */
export interface ImportedSecret {
  name: string;
  namespace?: string;
  data: Record<string, string>;
  /** Set for a Kubernetes Secret's document; the vault keeps name, namespace and data only. */
  origin?: SecretOrigin;
}

/** What a set of documents adds to a workspace. */
export interface ImportResult {
  services: ServiceInput[];
  routes: RouteInput[];
  consumers: ConsumerInput[];
  applications: KymaApplicationInput[];
  secrets: ImportedSecret[];
  /** What the import did that the user should know (an inline password moved to a secret, say). */
  notes: string[];
}

export function emptyImport(): ImportResult {
  return { services: [], routes: [], consumers: [], applications: [], secrets: [], notes: [] };
}

export class ImportError extends GatehouseError {
  readonly code = 'GATEHOUSE_IMPORT_FAILED';
  constructor(
    readonly source: string,
    /** Where in the document, e.g. `endpointConfig.endpoint_security.production.type`. */
    readonly field: string,
    detail: string,
  ) {
    super(`${source}: ${field}: ${detail}`);
    this.name = 'ImportError';
  }
}

/** A name a workspace accepts, derived from free text (a host, an API name). */
export function resourceNameFrom(text: string): string {
  const slug = text.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return slug.slice(0, 63).replace(/[^a-z0-9]+$/, '') || 'imported';
}
