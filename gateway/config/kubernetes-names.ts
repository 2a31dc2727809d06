// Kubernetes' name rules (apimachinery's validation), written once for every process: the cluster push checks
// the objects it builds, the IPC contract and the renderer's Cluster screen check what the user typed, and the
// Kyma Application schema checks imported files, all by these, so a name is refused on its own field, not by
// the API server or in a banner.
import './zod-jitless';
import * as z from 'zod';

/** An object's name: a DNS-1123 subdomain, at most 253 characters. */
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** A namespace's (and a Kyma Application's and its services') name: a DNS-1123 label, no dots, at most 63. */
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

export const LABEL_NAME_RULE = 'at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit';

export function isLabelName(name: string): boolean {
  return name.length <= 63 && DNS1123_LABEL.test(name);
}

/** A DNS-1123 label in a zod schema; `what` leads the message ("a namespace name: at most 63 …"). */
export function labelNameSchema(what: string): z.ZodString {
  return z.string().refine(isLabelName, `${what}: ${LABEL_NAME_RULE}`);
}

export function subdomainProblem(what: string, name: string): string | undefined {
  if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
    return `${what} "${name}" is not a valid Kubernetes name: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit`;
  }
  return undefined;
}

/** `${whose}, "name", is not a valid namespace name: …`, or undefined for a valid one. */
export function namespaceProblem(whose: string, namespace: string): string | undefined {
  return isLabelName(namespace) ? undefined : `${whose}, "${namespace}", is not a valid namespace name: ${LABEL_NAME_RULE}`;
}

export function secretKeyProblem(secret: string, key: string): string | undefined {
  return SECRET_KEY.test(key) ? undefined : `secret "${secret}": key "${key}" may contain only letters, digits, "-", "_" and "."`;
}
