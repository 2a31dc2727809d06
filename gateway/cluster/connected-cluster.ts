// A cluster as the gateway reaches it for `serviceInfo` backends: the access handed over (plain data, over IPC in
// the app) and the Authorization its user sends. For a tokenFile user that is the file's token, read again as
// client-go reads it (token-file-credentials.ts: 50 s after the last read, the last token kept when a read fails)
// and at once when the API server refuses it, so a rotated token (a projected service-account token, a CI job's)
// reaches the gateway without a reload; the app's own connection reads the same file by the same rule.
import type { ClusterAccess } from './cluster-access';
import { TokenFileSource } from './token-file-credentials';

const BEARER = 'Bearer ';

const bearer = (token: string | undefined) => (token === undefined ? undefined : `${BEARER}${token}`);
/** The token of a Bearer Authorization, undefined for any other. */
const bearerToken = (authorization: string | undefined) => (authorization?.startsWith(BEARER) ? authorization.slice(BEARER.length) : undefined);

export class ConnectedCluster {
  readonly #tokenFile: TokenFileSource | undefined;

  /** `now`: the clock the tokenFile's re-reads follow (tests move it). */
  constructor(
    readonly access: ClusterAccess,
    now?: () => number,
  ) {
    // The token handed over, sent until the file is read (it was read just before, by the same rule).
    this.#tokenFile = access.tokenFile ? new TokenFileSource(access.tokenFile, bearerToken(access.authorization), now) : undefined;
  }

  /** The user sends an Authorization of its own (a token user; not a client-certificate one). */
  get sendsAuthorization(): boolean {
    return this.access.authorization !== undefined;
  }

  /** Its Authorization can change while the gateway runs: a tokenFile user's. */
  get rereads(): boolean {
    return this.#tokenFile !== undefined;
  }

  /** The Authorization to send now; a tokenFile read again first when its schedule says so. */
  authorization(): string | undefined {
    return this.#tokenFile ? bearer(this.#tokenFile.token()) : this.access.authorization;
  }

  /**
   * The API server answered 401 to a request sent with `sent`: a tokenFile is read at once. The Authorization to
   * send the request again with, or undefined when the file holds the token refused (or cannot be read, or there
   * is none).
   */
  renewed(sent: string): string | undefined {
    return bearer(this.#tokenFile?.renewedSince(bearerToken(sent)));
  }
}
