// The --namespace flag of export, plan, push and prune: one rule for all four, checked with the other arguments, so
// a namespace Kubernetes would refuse is a usage error (exit 2) naming the flag, before the workspace, the
// kubeconfig or a secret is read.
import { namespaceProblem } from '../../gateway/config/kubernetes-names';

/**
 * Why `--namespace` cannot be used, or undefined. Absent or empty is none (as kubectl takes `-n ""`): the command's
 * own default (the context's namespace, or `default`) applies. Anything else must be a DNS-1123 label, as the API
 * server requires of a namespace's name.
 */
export function namespaceOptionProblem(namespace: string | undefined): string | undefined {
  return namespace ? namespaceProblem('--namespace', namespace) : undefined;
}
