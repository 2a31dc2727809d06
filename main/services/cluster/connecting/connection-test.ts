// "Test connection": who we are, which server and version, which of the permissions a push needs are missing,
// and which target CRDs the cluster serves.
import type { ClusterConnection } from './cluster-connection';
import { detectTargets, type ClusterTargets } from './cluster-targets';
import { ApiServerError, ForbiddenError } from '../cluster-errors';

export interface PermissionCheck {
  verb: 'get' | 'list' | 'create' | 'patch' | 'delete';
  group: string;
  resource: string;
  /** Absent for cluster-scoped resources. */
  namespace?: string;
}

export interface PermissionResult extends PermissionCheck {
  allowed: boolean;
  /** "create secrets in namespace default". */
  label: string;
  reason?: string;
}

export interface ConnectionReport {
  context: string;
  server: string;
  user: string;
  namespace: string;
  serverVersion: string;
  permissions: PermissionResult[];
  /** Labels of the denied permissions, e.g. `patch applications.applicationconnector.kyma-project.io`. */
  missing: string[];
  targets: ClusterTargets;
  /** The namespace is not on the cluster (a 404 reading it): a push there fails until it is created. */
  namespaceMissing?: true;
}

const PUSH_VERBS = ['get', 'list', 'create', 'patch', 'delete'] as const;

export function pushPermissionChecks(namespace: string): PermissionCheck[] {
  return [
    ...PUSH_VERBS.map((verb) => ({ verb, group: '', resource: 'secrets', namespace })),
    ...PUSH_VERBS.map((verb) => ({ verb, group: 'applicationconnector.kyma-project.io', resource: 'applications' })),
  ];
}

export function permissionLabel(check: PermissionCheck): string {
  const resource = check.group ? `${check.resource}.${check.group}` : check.resource;
  return `${check.verb} ${resource}${check.namespace ? ` in namespace ${check.namespace}` : ' (cluster-wide)'}`;
}

export async function checkPermissions(connection: ClusterConnection, checks: PermissionCheck[]): Promise<PermissionResult[]> {
  return Promise.all(
    checks.map(async (check) => {
      const review = await connection.call(`Checking permission to ${permissionLabel(check)}`, () =>
        connection.authorization.createSelfSubjectAccessReview({
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SelfSubjectAccessReview',
            spec: { resourceAttributes: { verb: check.verb, group: check.group, resource: check.resource, ...(check.namespace ? { namespace: check.namespace } : {}) } },
          },
        }),
      );
      const allowed = review.status?.allowed === true;
      return { ...check, allowed, label: permissionLabel(check), ...(review.status?.reason ? { reason: review.status.reason } : {}) };
    }),
  );
}

export async function testConnection(connection: ClusterConnection, checks: PermissionCheck[] = pushPermissionChecks(connection.namespace)): Promise<ConnectionReport> {
  const version = await connection.call('Reading the server version', () => connection.version.getCode());
  const permissions = await checkPermissions(connection, checks);
  const targets = await detectTargets(connection);
  const namespace = await namespaceExists(connection);
  return {
    context: connection.contextName,
    server: connection.server,
    user: connection.userName,
    namespace: connection.namespace,
    serverVersion: version.gitVersion,
    permissions,
    missing: permissions.filter((p) => !p.allowed).map((p) => p.label),
    targets,
    ...(namespace === false ? { namespaceMissing: true as const } : {}),
  };
}

/**
 * Whether the connection's namespace is on the cluster: false on a 404, undefined when the user may not read
 * namespaces (a user bound to one namespace usually may not), which says nothing either way.
 */
async function namespaceExists(connection: ClusterConnection): Promise<boolean | undefined> {
  try {
    await connection.call(`Reading namespace ${connection.namespace}`, () => connection.core.readNamespace({ name: connection.namespace }));
    return true;
  } catch (error) {
    if (error instanceof ApiServerError && error.status === 404) return false;
    if (error instanceof ForbiddenError) return undefined;
    throw error;
  }
}
