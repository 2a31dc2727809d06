// Threat model: an attacker on the network guesses credentials and times our answers.
// - Passwords are held only as HMAC digests under a per-process random key: verification costs one HMAC
//   (no slow hash per request) and a memory dump does not reveal the password.
// - Unknown users are compared against a dummy digest, so "no such user" and "wrong password" take the
//   same path and the same time; the lookup itself is keyed by a digest of the username.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface StoredCredential<C> {
  consumer: C;
  /** The username the client presented (the credential's identifier). */
  login: string;
}

export class CredentialStore<C> {
  readonly #key = randomBytes(32);
  readonly #byLogin = new Map<string, { digest: Buffer; credential: StoredCredential<C> }>();
  readonly #dummyDigest: Buffer;

  constructor() {
    this.#dummyDigest = this.#digest('password', randomBytes(16).toString('hex'));
  }

  add(login: string, password: string, consumer: C): void {
    this.#byLogin.set(this.#digest('login', login).toString('hex'), {
      digest: this.#digest('password', password),
      credential: { consumer, login },
    });
  }

  get size(): number {
    return this.#byLogin.size;
  }

  verify(login: string, password: string): StoredCredential<C> | undefined {
    const entry = this.#byLogin.get(this.#digest('login', login).toString('hex'));
    const presented = this.#digest('password', password);
    const matches = timingSafeEqual(presented, entry?.digest ?? this.#dummyDigest);
    // An empty password never matches, even if one was (wrongly) stored.
    return matches && entry && password.length > 0 ? entry.credential : undefined;
  }

  #digest(domain: string, value: string): Buffer {
    return createHmac('sha256', this.#key).update(domain).update('\0').update(value, 'utf8').digest();
  }
}
