// metav1.Status bodies exactly as kube-apiserver words them: clients parse reason, details and causes.

export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
}

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** Thrown inside handlers; the router turns it into the response. */
export class ApiError extends Error {
  constructor(readonly status: StatusBody) {
    super(status.message ?? status.reason ?? String(status.code));
  }
}

export interface ResourceRef {
  group: string;
  /** Plural resource name, e.g. `secrets`. */
  resource: string;
  name?: string;
}

function failure(code: number, reason: string, message: string, details?: StatusDetails): StatusBody {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

/** `secrets` or `applications.applicationconnector.kyma-project.io`: how the server names a resource in messages. */
export function qualifiedResource(ref: Pick<ResourceRef, 'group' | 'resource'>): string {
  return ref.group ? `${ref.resource}.${ref.group}` : ref.resource;
}

function refDetails(ref: ResourceRef): StatusDetails {
  return { ...(ref.name !== undefined ? { name: ref.name } : {}), ...(ref.group ? { group: ref.group } : {}), kind: ref.resource };
}

export const statuses = {
  success(ref: ResourceRef, uid?: string): StatusBody {
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { ...refDetails(ref), ...(uid ? { uid } : {}) }, code: 200 };
  },
  notFound(ref: ResourceRef): StatusBody {
    return failure(404, 'NotFound', `${qualifiedResource(ref)} "${ref.name ?? ''}" not found`, refDetails(ref));
  },
  noRoute(): StatusBody {
    return failure(404, 'NotFound', 'the server could not find the requested resource', {});
  },
  alreadyExists(ref: ResourceRef): StatusBody {
    return failure(409, 'AlreadyExists', `${qualifiedResource(ref)} "${ref.name ?? ''}" already exists`, refDetails(ref));
  },
  modified(ref: ResourceRef): StatusBody {
    return failure(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualifiedResource(ref)} "${ref.name ?? ''}": the object has been modified; please apply your changes to the latest version and try again`,
      refDetails(ref),
    );
  },
  applyConflict(conflicts: { manager: string; apiVersion: string; field: string }[]): StatusBody {
    const causes = conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with "${c.manager}" using ${c.apiVersion}`, field: c.field }));
    const summary =
      conflicts.length === 1
        ? `Apply failed with 1 conflict: ${causes[0]!.message}: ${causes[0]!.field}`
        : `Apply failed with ${conflicts.length} conflicts: ${causes.map((c) => `${c.message}: ${c.field}`).join('\n')}`;
    return failure(409, 'Conflict', summary, { causes });
  },
  invalid(kind: string, group: string, name: string, causes: StatusCause[]): StatusBody {
    const qualifiedKind = group ? `${kind}.${group}` : kind;
    const list = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
    const joined = list.length === 1 ? list[0]! : `[${list.join(', ')}]`;
    return failure(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${joined}`, { name, ...(group ? { group } : {}), kind, causes });
  },
  badRequest(message: string): StatusBody {
    return failure(400, 'BadRequest', message);
  },
  unauthorized(): StatusBody {
    return failure(401, 'Unauthorized', 'Unauthorized');
  },
  forbidden(user: string, verb: string, ref: ResourceRef, namespace: string | undefined): StatusBody {
    const scope = namespace ? ` in the namespace "${namespace}"` : ' at the cluster scope';
    const subject = ref.name ? `${qualifiedResource(ref)} "${ref.name}"` : qualifiedResource(ref);
    return failure(403, 'Forbidden', `${subject} is forbidden: User "${user}" cannot ${verb} resource "${ref.resource}" in API group "${ref.group}"${scope}`, refDetails(ref));
  },
  /** A validating admission webhook's denial: controller-runtime's admission.Denied (Gatekeeper, Kyverno) answers 403. */
  webhookDenied(webhook: string, message: string): StatusBody {
    return failure(403, 'Forbidden', `admission webhook "${webhook}" denied the request: ${message}`);
  },
  methodNotAllowed(): StatusBody {
    return failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  },
  unsupportedMediaType(contentType: string): StatusBody {
    return failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/apply-patch+yaml, application/merge-patch+json (got ${contentType})`);
  },
  notAcceptable(): StatusBody {
    return failure(406, 'NotAcceptable', 'only the following media types are accepted: application/json, application/yaml');
  },
  internal(message: string): StatusBody {
    return failure(500, 'InternalError', `Internal error occurred: ${message}`);
  },
};
