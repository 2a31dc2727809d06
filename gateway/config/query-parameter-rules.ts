// Which query parameter names and values a secret's request parameters can add. The gateway puts them into URLs
// percent-encoded as UTF-8 (security/request-parameters.ts, mergeQuery): the backend's, a CSRF token endpoint's and
// an OAuth token request's. Checked when the config is applied, as header-rules.ts checks the headers, so a secret
// the gateway could not send is refused naming it rather than failing every request that uses it.
// No Node modules here: the renderer may import this too.
import { loneSurrogateProblem, NO_UTF8_FORM } from './lone-surrogates';

// A lone surrogate (lone-surrogates.ts) makes encodeURIComponent throw URIError.
const NOT_IN_URL = `${NO_UTF8_FORM} and cannot be put in a URL`;

/** What is wrong with a query parameter name a secret's request parameters would add, or undefined. */
export function parameterQueryNameProblem(name: string): string | undefined {
  if (name === '') return 'a parameter name is empty';
  if (loneSurrogateProblem(name)) return `the name ${NOT_IN_URL}`;
  return undefined;
}

/** What is wrong with a query parameter value a secret's request parameters would add, or undefined. */
export function parameterQueryValueProblem(value: string): string | undefined {
  return loneSurrogateProblem(value) ? NOT_IN_URL : undefined;
}
