// A UTF-16 surrogate without its other half: JSON ("\ud800"), YAML and a JavaScript string can hold one, but it is no
// character and has no UTF-8 form. Encoded as UTF-8 (Buffer.from, TextEncoder, URLSearchParams, a keychain write) it
// silently becomes U+FFFD, so a credential holding one would go out, or be stored, as one nobody typed; and
// encodeURIComponent throws URIError on it. One rule for every text the gateway encodes so: query parameters
// (query-parameter-rules.ts), Basic credentials (basic-credential-rules.ts), an OAuth client's id and secret
// (security/oauth-token-cache.ts), and a secret's values as the vault stores them (secret-names.ts).
// No Node modules here: the renderer imports this too.

// Under the u flag a pair is one code point, so only an unpaired half is \p{Cs}.
const LONE_SURROGATE = /\p{Cs}/u;

export const NO_UTF8_FORM = 'holds a lone UTF-16 surrogate (U+D800 to U+DFFF without its pair), which has no UTF-8 form';

/** Why this text cannot be encoded as UTF-8 as it stands, or undefined. */
export function loneSurrogateProblem(text: string): string | undefined {
  return LONE_SURROGATE.test(text) ? NO_UTF8_FORM : undefined;
}
