// Kubeconfig users handed to one of Gatehouse's own client-node authenticators (exec-credentials.ts,
// token-file-credentials.ts): each user is rewritten to name an auth provider of that authenticator's, which
// client-node asks its custom authenticators about before its own claim a user's `exec` or send its `token`.
import type { KubeConfig, User } from '@kubernetes/client-node';

/** client-node's authenticator contract (not re-exported from its index). */
export type Authenticator = Parameters<KubeConfig['addAuthenticator']>[0];

/** What an authenticator is given to add credentials to: an https RequestOptions or a ws ClientOptions. */
export type AuthenticationOptions = Parameters<Authenticator['applyAuthentication']>[1];

/** The name of the auth provider a user names, if any. */
export const authProviderName = (user: User): string | undefined => (user.authProvider as { name?: string } | undefined)?.name;

/**
 * Replaces each user of `kc` that `reroute` rewrites (undefined: left as it is) and, when it rewrote any, adds the
 * authenticator `authenticator` makes; returns how many users it rewrote.
 */
export function routeUsers(kc: KubeConfig, reroute: (user: User) => User | undefined, authenticator: () => Authenticator): number {
  let routed = 0;
  const users = kc.getUsers().map((user) => {
    const rewritten = reroute(user);
    if (rewritten === undefined) return user;
    routed++;
    return rewritten;
  });
  if (routed > 0) {
    kc.loadFromOptions({ clusters: kc.getClusters(), users, contexts: kc.getContexts(), currentContext: kc.getCurrentContext() });
    kc.addAuthenticator(authenticator());
  }
  return routed;
}
