// Authentication (bearer tokens, client certificates from the cluster CA) and an RBAC-shaped authorizer.
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

export interface PolicyRule {
  /** `get`, `list`, `create`, `patch`, `update`, `delete`, ... or `*`. */
  verbs: string[];
  /** `''` for the core group, or `*`. */
  apiGroups: string[];
  /** Plural resource names, or `*`. */
  resources: string[];
  /** Limits a namespaced grant to these namespaces (a RoleBinding); absent = cluster-wide (a ClusterRoleBinding). */
  namespaces?: string[];
}

export interface UserInfo {
  name: string;
  groups: string[];
}

export interface AccessAttributes {
  verb: string;
  group: string;
  resource: string;
  namespace?: string;
  name?: string;
}

export const CLUSTER_ADMIN: PolicyRule[] = [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }];

const matches = (list: readonly string[], value: string) => list.includes('*') || list.includes(value);

/** Who may do what: a permission table per user, standing in for Roles and their bindings. */
export class Authorizer {
  readonly #rules = new Map<string, PolicyRule[]>();

  grant(user: string, rules: PolicyRule[]): void {
    this.#rules.set(user, [...(this.#rules.get(user) ?? []), ...rules]);
  }

  setRules(user: string, rules: PolicyRule[]): void {
    this.#rules.set(user, [...rules]);
  }

  /** The rule that allows the request, if any; `system:basic-user` lets everyone review their own access. */
  allowedBy(user: UserInfo, attrs: AccessAttributes): string | undefined {
    if (attrs.group === 'authorization.k8s.io' && attrs.resource === 'selfsubjectaccessreviews' && attrs.verb === 'create') {
      return 'ClusterRoleBinding "system:basic-user" of ClusterRole "system:basic-user"';
    }
    const rules = this.#rules.get(user.name) ?? [];
    const rule = rules.find(
      (r) =>
        matches(r.verbs, attrs.verb) &&
        matches(r.apiGroups, attrs.group) &&
        matches(r.resources, attrs.resource) &&
        (r.namespaces === undefined || (attrs.namespace !== undefined && r.namespaces.includes(attrs.namespace))),
    );
    if (!rule) return undefined;
    return rule.namespaces ? `RoleBinding "fake-${user.name}/${attrs.namespace}"` : `ClusterRoleBinding "fake-${user.name}"`;
  }
}

/** Bearer tokens and the cluster CA's client certificates, as kube-apiserver's authenticators read them. */
export class Authenticator {
  readonly #tokens = new Map<string, UserInfo>();
  readonly #expired = new Set<string>();

  addToken(token: string, user: UserInfo): void {
    this.#tokens.set(token, user);
    this.#expired.delete(token);
  }

  /** The token stays known but is refused, as an expired service-account or OIDC token is. */
  expireToken(token: string): void {
    this.#expired.add(token);
  }

  /** `undefined`: anonymous; `null`: credentials presented and refused (401). */
  authenticate(req: IncomingMessage): UserInfo | undefined | null {
    const header = req.headers.authorization;
    if (header !== undefined) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      if (!m) return null;
      const user = this.#tokens.get(m[1]!);
      if (!user || this.#expired.has(m[1]!)) return null;
      return user;
    }
    const socket = req.socket as TLSSocket;
    const peer = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : undefined;
    if (peer && Object.keys(peer).length > 0) {
      if (!socket.authorized) return null;
      const cn = peer.subject?.CN;
      const org = peer.subject?.O;
      if (typeof cn !== 'string') return null;
      const groups = org === undefined ? [] : Array.isArray(org) ? org : [org];
      return { name: cn, groups: [...groups, 'system:authenticated'] };
    }
    return undefined;
  }
}
