import type { Workspace } from './schema';

export interface SecretReference {
  name: string;
  namespace?: string;
}

/** Every named secret a workspace uses, once each: what the supervisor hands the gateway process. */
export function secretReferences(workspace: Workspace): SecretReference[] {
  const seen = new Map<string, SecretReference>();
  const add = (name: string, namespace?: string) => seen.set(namespace ? `${namespace}/${name}` : name, namespace ? { name, namespace } : { name });
  for (const consumer of workspace.consumers) {
    if (consumer.basicAuth) add(consumer.basicAuth.password.secret, consumer.basicAuth.password.namespace);
  }
  for (const service of workspace.services) {
    for (const ref of [service.endpointSecurity, service.requestParametersSecret, service.tls?.caSecret]) {
      if (ref) add(ref.secret, ref.namespace);
    }
  }
  return [...seen.values()];
}
