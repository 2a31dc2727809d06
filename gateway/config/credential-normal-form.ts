// RFC 7617 §2.1: with charset="UTF-8" announced (the gateway's challenge does), user-id and password are expected
// in Unicode Normalization Form C. Basic-auth logins and passwords are compared in that form everywhere: the
// credential store (auth/credential-store.ts) and the workspace's check for a login used twice (schema.ts).

// eslint-disable-next-line no-control-regex -- the whole ASCII range, control characters included
const NON_ASCII = /[^\u0000-\u007f]/;

/**
 * `text` in NFC, as credentials are compared. ASCII text is its own NFC and is returned without asking ICU, so
 * plain logins and passwords cost one scan.
 */
export function credentialNormalForm(text: string): string {
  return NON_ASCII.test(text) ? text.normalize('NFC') : text;
}
