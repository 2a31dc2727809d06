// Where a request presents basic-auth credentials: `Authorization`, and `Proxy-Authorization` as Kong reads it too
// (kong/plugins/basic-auth/access.lua), so clients and test suites written for Kong work unchanged.

/** A header sent more than once: malformed, whatever its values (Node keeps only the first in `req.headers`). */
export const REPEATED = Symbol('repeated header');

/** A header's value, REPEATED, or undefined when the request does not send it. */
export type PresentedValue = string | typeof REPEATED | undefined;

export interface PresentedCredentials {
  authorization: PresentedValue;
  proxyAuthorization: PresentedValue;
}

/** Both headers in one pass over the raw headers; a name's length is compared before it is lowercased. */
export function presentedCredentials(rawHeaders: readonly string[]): PresentedCredentials {
  let authorization: PresentedValue;
  let proxyAuthorization: PresentedValue;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length === 13) {
      if (name.toLowerCase() === 'authorization') authorization = authorization === undefined ? rawHeaders[i + 1]! : REPEATED;
    } else if (name.length === 19 && name.toLowerCase() === 'proxy-authorization') {
      proxyAuthorization = proxyAuthorization === undefined ? rawHeaders[i + 1]! : REPEATED;
    }
  }
  return { authorization, proxyAuthorization };
}
