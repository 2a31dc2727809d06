// Threat model: an attacker on the network guesses credentials and times our answers.
// - A credential is held only as a salted SHA-256 digest of its canonical Basic token (the base64 of
//   "user-id:password") under a per-process random salt, and looked up by that digest: verifying a request costs
//   one one-shot hash (`crypto.hash`) and one map lookup, with no decoding on the way to a match, and a memory dump
//   does not reveal the password. The salt is a fixed-length prefix, so the digest is as unpredictable as an
//   HMAC's for this use: it is only looked up, never sent or stored.
// - Timing: whatever a guess is (unknown user, wrong password, a password one character off), its digest is an
//   unrelated random-looking string, so the map's hashing and string comparisons cannot tell a guesser how close
//   it came; "no such user" and "wrong password" are the same miss. This replaces comparing a password digest in
//   constant time after a lookup by username, and holds the same guarantee.
// - Only credentials a client can present are stored (basic-credentials.ts unpresentableCredentials): the token a
//   stored credential's client sends is then exactly the canonical token stored, and any other token misses.
// - Credentials are stored in Unicode NFC (RFC 7617 §2.1, config/credential-normal-form.ts). A client sending
//   another form (`u` + U+0308 for `ü`) misses the token lookup; its decoded credentials are then looked up again
//   in NFC (verifyCredentials), by digest like any token.
import { hash, randomBytes } from 'node:crypto';
import { encodeBasicToken, unpresentableCredentials } from './basic-credentials';
import { credentialNormalForm } from '../config/credential-normal-form';
import { GatehouseError } from '../errors/gatehouse-error';

export interface StoredCredential<C> {
  consumer: C;
  /** The username the client presented (the credential's identifier). */
  login: string;
}

/** A credential no client could present (a ":" in the user-id, an empty password, control characters, a lone surrogate). */
export class UnpresentableCredentialError extends GatehouseError {
  readonly code = 'GATEHOUSE_UNPRESENTABLE_CREDENTIAL';
  constructor(subject: string, reason: string) {
    super(`${subject} cannot sign in with basic-auth: ${reason}`);
    this.name = 'UnpresentableCredentialError';
  }
}

export class CredentialStore<C> {
  /** Hex, so the string hashed is plain ASCII followed by the token's ASCII. */
  readonly #salt = `${randomBytes(32).toString('hex')}\0`;
  readonly #byToken = new Map<string, StoredCredential<C>>();

  /**
   * Throws UnpresentableCredentialError for a credential no client could present, naming `subject` (who it is
   * for, as the configuration names them) and why.
   */
  add(login: string, password: string, consumer: C, subject = `login "${login}"`): void {
    const problem = unpresentableCredentials(login, password);
    if (problem) throw new UnpresentableCredentialError(subject, problem);
    // NFC adds no colon or control character (checked over all of Unicode), so the check above holds for it too.
    this.#byToken.set(this.#digest(encodeBasicToken(credentialNormalForm(login), credentialNormalForm(password))), { consumer, login });
  }

  get size(): number {
    return this.#byToken.size;
  }

  /**
   * The credential whose canonical Basic token this is (the token68 after `Basic `), if any: the one lookup a
   * client sending its credentials in NFC (and every ASCII credential is) needs.
   */
  verifyToken(token: string): StoredCredential<C> | undefined {
    return this.#byToken.get(this.#digest(token));
  }

  /** The credential for a decoded user-id and password, compared in NFC: for a client whose token missed. */
  verifyCredentials(username: string, password: string): StoredCredential<C> | undefined {
    return this.verifyToken(encodeBasicToken(credentialNormalForm(username), credentialNormalForm(password)));
  }

  #digest(token: string): string {
    return hash('sha256', this.#salt + token, 'base64');
  }
}
