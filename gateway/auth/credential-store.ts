// Threat model: an attacker on the network guesses credentials and times our answers.
// - Passwords are held only as salted SHA-256 digests under a per-process random salt: verification costs one
//   one-shot hash (`crypto.hash`, about a third of building an Hmac object; no slow hash per request) compared in
//   constant time, and a memory dump does not reveal the password. The salt is a fixed-length prefix, so the
//   digest is as unpredictable as an HMAC's for this use: it is only compared, never sent or stored.
// - Unknown users are compared against a dummy digest, so "no such user" and "wrong password" take the
//   same path and the same time; the lookup itself is keyed by a digest of the username under another
//   per-process random salt, so the map's string comparisons reveal nothing about the usernames it holds.
import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface StoredCredential<C> {
  consumer: C;
  /** The username the client presented (the credential's identifier). */
  login: string;
}

export class CredentialStore<C> {
  /** Hex, so the string hashed is plain ASCII followed by the password's or username's UTF-8. */
  readonly #passwordSalt = `${randomBytes(32).toString('hex')}\0`;
  readonly #lookupSalt = `${randomBytes(32).toString('hex')}\0`;
  readonly #byLogin = new Map<string, { digest: Buffer; credential: StoredCredential<C> }>();
  readonly #dummyDigest: Buffer;

  constructor() {
    this.#dummyDigest = this.#passwordDigest(randomBytes(16).toString('hex'));
  }

  add(login: string, password: string, consumer: C): void {
    this.#byLogin.set(this.#lookupKey(login), {
      digest: this.#passwordDigest(password),
      credential: { consumer, login },
    });
  }

  get size(): number {
    return this.#byLogin.size;
  }

  verify(login: string, password: string): StoredCredential<C> | undefined {
    const entry = this.#byLogin.get(this.#lookupKey(login));
    const presented = this.#passwordDigest(password);
    const matches = timingSafeEqual(presented, entry?.digest ?? this.#dummyDigest);
    // An empty password never matches, even if one was (wrongly) stored.
    return matches && entry && password.length > 0 ? entry.credential : undefined;
  }

  #lookupKey(login: string): string {
    return hash('sha256', this.#lookupSalt + login, 'base64');
  }

  #passwordDigest(password: string): Buffer {
    return hash('sha256', this.#passwordSalt + password, 'buffer');
  }
}
