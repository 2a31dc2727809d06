// A kubeconfig user's tokenFile read again while a connection lives, as client-go reads it
// (transport/token_source.go, NewCachedFileTokenSource): a token read is used until a minute less ten seconds'
// leeway has passed, then the file is read again at the next request, so a rotated token (a projected
// service-account token the kubelet renews, a CI job's) is picked up. A read that fails or finds the file empty
// keeps the last token read, as client-go's does ("Unable to rotate token"); until a first read succeeds, the
// token the kubeconfig was read with is sent (client-go's bearer). Only types from client-node.
import type { KubeConfig, User } from '@kubernetes/client-node';
import { readNamedFileSync } from '../config/named-file';
import type { KubeconfigUser } from './kubeconfig-file';
import { authProviderName, routeUsers, type AuthenticationOptions, type Authenticator } from './routed-users';

/** client-go's fileTokenSource period and cachingTokenSource leeway: the file is read again 50 s after a read. */
export const TOKEN_FILE_PERIOD_MS = 60_000;
export const TOKEN_FILE_LEEWAY_MS = 10_000;

/**
 * A token file's token, whitespace-trimmed as client-go's fileTokenSource trims it (a file ending in a newline
 * works), or why there is none in words: `cannot read PATH: no such file or folder (ENOENT)`, `PATH is empty`.
 */
export function readTokenFile(path: string): { token: string } | { failure: string } {
  let text: string;
  try {
    text = readNamedFileSync(path).toString('utf8').trim();
  } catch (error) {
    return { failure: error instanceof Error ? error.message : String(error) };
  }
  return text === '' ? { failure: `${path} is empty` } : { token: text };
}

export class TokenFileSource {
  #token: string | undefined;
  #readAt = 0;
  #failure: string | undefined;

  /** `initial`: the token the kubeconfig was read with (kubeconfig-references.ts read the file, or the user's token). */
  constructor(
    readonly path: string,
    private readonly initial: string | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** The token to send now, the file read again first when its last read is 50 s old or there was none. */
  token(): string | undefined {
    if (this.#token === undefined || this.now() >= this.#readAt + TOKEN_FILE_PERIOD_MS - TOKEN_FILE_LEEWAY_MS) this.#read();
    return this.current();
  }

  /**
   * The API server refused a request sent with `sent` (401): the file is read now, whatever the schedule, and the
   * token to send now (the file's; the last one read when it cannot be read or is empty, `failure` saying why) is
   * answered when it differs from `sent`: rotated since, so the request is worth sending once more with it. Else
   * undefined: repeating would be refused again. The one rule for the app's connection and the gateway's.
   */
  renewedSince(sent: string | undefined): string | undefined {
    this.#read();
    const now = this.current();
    return now !== sent ? now : undefined;
  }

  /** The token that would be sent, without reading the file. */
  current(): string | undefined {
    return this.#token ?? this.initial;
  }

  /** Why the last read of the file failed, in words and without its contents; undefined after a read that worked. */
  get failure(): string | undefined {
    return this.#failure;
  }

  #read(): void {
    const read = readTokenFile(this.path);
    if ('failure' in read) {
      this.#failure = read.failure;
      return;
    }
    this.#token = read.token;
    this.#readAt = this.now();
    this.#failure = undefined;
  }
}

const PROVIDER = 'gatehouse-token-file';

/**
 * The tokenFile a user's token comes from: set, and neither an exec plugin nor another auth provider sending
 * credentials in its place (one routed by `useTokenFiles` keeps its tokenFile).
 */
export function tokenFileOf(user: User | null | undefined): string | undefined {
  const { tokenFile } = (user ?? {}) as Partial<KubeconfigUser>;
  if (!tokenFile || user!.exec) return undefined;
  const provider = authProviderName(user!);
  return provider === undefined || provider === PROVIDER ? tokenFile : undefined;
}

/** client-node authenticator for users rewritten by `useTokenFiles`: each request gets its source's token. */
class TokenFileAuthenticator implements Authenticator {
  constructor(private readonly sources: ReadonlyMap<string, TokenFileSource>) {}

  isAuthProvider(user: User): boolean {
    return authProviderName(user) === PROVIDER;
  }

  async applyAuthentication(user: User, options: AuthenticationOptions): Promise<void> {
    const token = this.sources.get(user.name)?.token();
    if (!token) return;
    const opts = options as { headers?: Record<string, unknown> };
    opts.headers ??= {};
    opts.headers.Authorization = `Bearer ${token}`;
  }
}

/**
 * Routes every token-file user of `kc` (no exec plugin or auth provider) through a TokenFileSource; returns the
 * sources by user name. client-node would send the `token` the kubeconfig was read with for as long as the
 * connection lives, so the user's `token` goes (client-node adds it after any authenticator).
 */
export function useTokenFiles(kc: KubeConfig, now?: () => number): ReadonlyMap<string, TokenFileSource> {
  const sources = new Map<string, TokenFileSource>();
  routeUsers(
    kc,
    (user) => {
      const tokenFile = tokenFileOf(user);
      // A user routed here before already names our provider: left as it is.
      if (!tokenFile || user.authProvider) return undefined;
      sources.set(user.name, new TokenFileSource(tokenFile, user.token, now));
      const { token: _sentByTheSource, ...rest } = user;
      return { ...rest, authProvider: { name: PROVIDER, config: {} } } as User;
    },
    () => new TokenFileAuthenticator(sources),
  );
  return sources;
}
