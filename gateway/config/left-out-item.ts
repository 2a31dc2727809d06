/**
 * A workspace item the gateway does not serve, and why. The gateway serves every other item: one service with a
 * missing secret leaves that service out (its requests get 503 with the reason), not the whole workspace.
 */
export interface LeftOutItem {
  kind: 'service' | 'application-service' | 'route' | 'consumer';
  /** Where the item is in the workspace: `services[0]`, `applications[1].services[0]`, `routes[2]`, `consumers[3]`. */
  path: string;
  /** The service's, route's or consumer's name (`application/service` for a Kyma application's service). */
  name: string;
  /** Why, in words (names the secret and key, never a value). */
  message: string;
  /**
   * The secret to enter or fix, when a secret is the reason: missing, missing `key`, or present with a value the
   * gateway cannot use (`invalid` says what is wrong with it, naming the secret and key, never the value).
   */
  secret?: { name: string; namespace?: string; key?: string; invalid?: string };
}
