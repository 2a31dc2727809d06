import type { Workspace } from './schema';
import { servedServices } from './kyma-services';
import { secretId, type SecretRef } from './secret-names';

/** Every named secret a workspace uses, once each: what the supervisor hands the gateway process. */
export function secretReferences(workspace: Workspace): SecretRef[] {
  const seen = new Map<string, SecretRef>();
  const add = (name: string, namespace?: string) => { const ref: SecretRef = namespace ? { name, namespace } : { name }; seen.set(secretId(ref), ref); };
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
