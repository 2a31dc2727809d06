import type { Workspace } from './schema';
import { servedServices } from './kyma-services';

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
  for (const service of servedServices(workspace)) {
    for (const endpoint of service.sandbox ? [service, service.sandbox] : [service]) {
      for (const ref of [endpoint.endpointSecurity, endpoint.requestParametersSecret, endpoint.tls?.caSecret]) {
        if (ref) add(ref.secret, ref.namespace);
      }
    }
  }
  return [...seen.values()];
}
