// Which query parameter names and values a secret's request parameters can add. The gateway puts them into URLs
// percent-encoded as UTF-8 (security/request-parameters.ts, mergeQuery): the backend's, a CSRF token endpoint's and
// an OAuth token request's. Checked when the config is applied, as header-rules.ts checks the headers, so a secret
// the gateway could not send is refused naming it rather than failing every request that uses it.
// No Node modules here: the renderer may import this too.

// A UTF-16 surrogate without its other half: JSON allows it ("\ud800") and so does a JavaScript string, but it is
// no character and has no UTF-8 form, so encodeURIComponent throws URIError on it. Under the u flag a pair is one
// code point, so only an unpaired half is \p{Cs}.
const LONE_SURROGATE = /\p{Cs}/u;
const NO_UTF8_FORM = 'holds a lone UTF-16 surrogate (U+D800 to U+DFFF without its pair), which has no UTF-8 form and cannot be put in a URL';

/** What is wrong with a query parameter name a secret's request parameters would add, or undefined. */
export function parameterQueryNameProblem(name: string): string | undefined {
  if (name === '') return 'a parameter name is empty';
  if (LONE_SURROGATE.test(name)) return `the name ${NO_UTF8_FORM}`;
  return undefined;
}

/** What is wrong with a query parameter value a secret's request parameters would add, or undefined. */
export function parameterQueryValueProblem(value: string): string | undefined {
  return LONE_SURROGATE.test(value) ? NO_UTF8_FORM : undefined;
}
