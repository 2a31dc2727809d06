// Kubernetes' name rules, checked before anything is sent, so a bad name is reported with the workspace field.
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// A namespace's name is a DNS-1123 label (apimachinery's ValidateNamespaceName): no dots, at most 63 characters.
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

export function subdomainProblem(what: string, name: string): string | undefined {
  if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
    return `${what} "${name}" is not a valid Kubernetes name: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit`;
  }
  return undefined;
}

/** `${whose}, "name", is not a valid namespace name: …`, or undefined for a valid one. */
export function namespaceProblem(whose: string, namespace: string): string | undefined {
  if (namespace.length > 63 || !DNS1123_LABEL.test(namespace)) {
    return `${whose}, "${namespace}", is not a valid namespace name: at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit`;
  }
  return undefined;
}

export function secretKeyProblem(secret: string, key: string): string | undefined {
  return SECRET_KEY.test(key) ? undefined : `secret "${secret}": key "${key}" may contain only letters, digits, "-", "_" and "."`;
}
