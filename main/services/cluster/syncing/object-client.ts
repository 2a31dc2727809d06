// Generic object verbs over client-node's KubernetesObjectApi, as plain JSON and with Gatehouse's field manager.
import { PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import type { ClusterConnection } from '../connecting/cluster-connection';
import { ClusterError, ForbiddenError } from '../cluster-errors';
import type { KubeObject, ObjectRef } from '../objects/object-model';
import { refLabel } from '../objects/object-model';
import { FIELD_MANAGER } from '../objects/ownership-labels';
import { apiStatusOf, type ApiStatus } from '../classify-error';

export type LiveObject = KubeObject & { metadata: KubeObject['metadata'] & { resourceVersion?: string; uid?: string; managedFields?: unknown[] } };

/** client-node returns class instances with Date fields; the rest of the code wants the JSON the server sent. */
function plain<T>(value: unknown): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The kind is not served by this cluster (its CRD is not installed). */
export class KindNotServedError extends ClusterError {
  readonly code = 'GATEHOUSE_CLUSTER_API';
  constructor(readonly ref: ObjectRef) {
    super(`The cluster does not serve ${ref.kind} (${ref.apiVersion}): its CustomResourceDefinition is not installed`, 'Install the CRD, or leave this target out.');
    this.name = 'KindNotServedError';
  }
}

/** A failed write, with the API server's Status kept for per-object reporting. */
export class ObjectWriteError extends ClusterError {
  readonly code = 'GATEHOUSE_CLUSTER_API';
  constructor(readonly ref: ObjectRef, readonly status: ApiStatus) {
    super(`${refLabel(ref)}: ${status.message}`, 'See the message from the API server.');
    this.name = 'ObjectWriteError';
  }
}

/**
 * Keys whose values identify and are no credential (a Basic user-id, an OAuth client_id, which RFC 6749 §2.2 says is
 * not secret): often a name of the workspace too, which hiding would garble (`Secret "(hidden)-oauth"`).
 */
const IDENTIFIER_KEYS = new Set(['username', 'clientId']);

/**
 * The credential values the Secrets being written carry, as an API server's refusal may quote them: a 422's cause,
 * an admission webhook's (Kyverno, Gatekeeper) denial with `data.password=…`. As sent (base64) and decoded, of 4
 * characters or more, and as a quoted string spells them (`"` as `\"`: Go's %q and JSON escape alike); longest
 * first, so a value is hidden whole before a shorter one inside it. Every Secret of the push, not only the one
 * refused: a webhook's message about one object may quote another (a password reused, a policy listing them).
 */
export function secretValues(objects: readonly KubeObject[]): string[] {
  const credentials = (values: Record<string, string> | undefined) => Object.entries(values ?? {}).filter(([key]) => !IDENTIFIER_KEYS.has(key)).map(([, value]) => value);
  const plain = objects.filter((object) => object.kind === 'Secret').flatMap((object) => {
    const { data, stringData } = object as { data?: Record<string, string>; stringData?: Record<string, string> };
    return [...credentials(data).flatMap((encoded) => [encoded, Buffer.from(encoded, 'base64').toString('utf8')]), ...credentials(stringData)];
  });
  const values = plain.flatMap((value) => [value, JSON.stringify(value).slice(1, -1)]);
  // Shorter values cannot be told from the message's own words (hiding "es" would garble "is invalid").
  return [...new Set(values.filter((v) => v.length >= 4))].sort((a, b) => b.length - a.length);
}

/** The API server's Status with every one of `values` taken out: the plan and push reports show it. */
function withoutSecretValues(status: ApiStatus, values: readonly string[]): ApiStatus {
  if (values.length === 0) return status;
  const hide = (text: string) => values.reduce((hidden, value) => hidden.split(value).join('(hidden)'), text);
  return { ...status, message: hide(status.message), causes: status.causes.map((cause) => (cause.message === undefined ? cause : { ...cause, message: hide(cause.message) })) };
}

function header(ref: ObjectRef): KubernetesObject & { metadata: { name: string } } {
  return { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) } };
}

/** client-node's discovery lookup: the kind is missing from its group version, or the group version is. */
function unserved(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (/^Unrecognized API version and kind/.test(error.message)) return true;
  return /^Failed to fetch resource metadata/.test(error.message) && apiStatusOf(error)?.code === 404;
}

export class ObjectClient {
  /**
   * `hiddenValues`: what a refusal's message must not show, secretValues() of every object the caller writes; the
   * object being written adds its own.
   */
  constructor(
    private readonly connection: ClusterConnection,
    private readonly hiddenValues: readonly string[] = [],
  ) {}

  /** The live object, or undefined when it does not exist. */
  async read(ref: ObjectRef): Promise<LiveObject | undefined> {
    return this.connection.call(`Reading ${refLabel(ref)}`, async () => {
      try {
        return plain<LiveObject>(await this.connection.objects.read(header(ref)));
      } catch (error) {
        if (apiStatusOf(error)?.code === 404) return undefined;
        if (unserved(error)) throw new KindNotServedError(ref);
        throw error;
      }
    });
  }

  /** Server-side apply as field manager `gatehouse`; API refusals come back as ObjectWriteError with the Status. */
  async apply(object: KubeObject, options: { dryRun: boolean; force: boolean; ref: ObjectRef }): Promise<LiveObject> {
    const verb = options.dryRun ? 'Checking' : 'Applying';
    return this.connection.call(`${verb} ${refLabel(options.ref)}`, async () => {
      try {
        const result = await this.connection.objects.patch(
          structuredClone(object) as KubernetesObject,
          undefined,
          options.dryRun ? 'All' : undefined,
          FIELD_MANAGER,
          options.force,
          PatchStrategy.ServerSideApply,
        );
        return plain<LiveObject>(result);
      } catch (error) {
        if (unserved(error)) throw new KindNotServedError(options.ref);
        const status = apiStatusOf(error);
        const hidden = [...new Set([...this.hiddenValues, ...secretValues([object])])].sort((a, b) => b.length - a.length);
        // A 401 says nothing of the object; a 403 may be a webhook's denial quoting it, as a 422 may.
        if (status?.code === 403) throw new ForbiddenError(withoutSecretValues(status, hidden).message);
        if (status && status.code !== 401) throw new ObjectWriteError(options.ref, withoutSecretValues(status, hidden));
        throw error;
      }
    });
  }

  async list(apiVersion: string, kind: string, namespace: string | undefined, labelSelector: string): Promise<LiveObject[]> {
    return this.connection.call(`Listing ${kind}${namespace ? ` in ${namespace}` : ''}`, async () => {
      try {
        const list = await this.connection.objects.list(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, labelSelector);
        // Typed lists leave type meta out of their items.
        return plain<LiveObject[]>(list.items).map((item) => ({ ...item, apiVersion, kind }));
      } catch (error) {
        if (unserved(error)) return [];
        throw error;
      }
    });
  }

  async delete(ref: ObjectRef, preconditions: { uid?: string; resourceVersion?: string }): Promise<'deleted' | 'gone'> {
    return this.connection.call(`Deleting ${refLabel(ref)}`, async () => {
      try {
        await this.connection.objects.delete(header(ref), undefined, undefined, undefined, undefined, 'Background', { preconditions });
        return 'deleted' as const;
      } catch (error) {
        const status = apiStatusOf(error);
        if (status?.code === 404) return 'gone' as const;
        if (status && status.code !== 401 && status.code !== 403) throw new ObjectWriteError(ref, status);
        throw error;
      }
    });
  }
}
