import type { VaultProblem, VaultUnavailableCode } from './secret-vault';
import { GatehouseError } from '../../../gateway/errors/gatehouse-error';

/**
 * The OS keychain cannot be used. `code` says what is missing; the message says how to fix it.
 * Never carries secret values: backend messages are redacted and reduced to their first line.
 */
export class VaultUnavailableError extends GatehouseError {
  readonly code: VaultUnavailableCode;
  readonly problem: string;
  declare readonly hint: string;
  readonly detail: string | undefined;

  constructor(reason: VaultProblem) {
    // The message ends with the hint too: the CLI and logs print the message alone.
    super(`OS keychain unavailable: ${reason.problem}${reason.detail ? ` (${reason.detail})` : ''}. ${reason.hint}`, { hint: reason.hint });
    this.name = 'VaultUnavailableError';
    this.code = reason.code;
    this.problem = reason.problem;
    this.detail = reason.detail;
  }

  toProblem(): VaultProblem {
    const reason: VaultProblem = { code: this.code, problem: this.problem, hint: this.hint };
    if (this.detail !== undefined) reason.detail = this.detail;
    return reason;
  }
}

/**
 * The same failure for the command line, which has no session-only vault to offer: its hint ends with what the
 * CLI can do instead (`instead`), not with the app's choice.
 */
export function forCommandLine(error: VaultUnavailableError, instead: string): VaultUnavailableError {
  const reason = error.toProblem();
  return new VaultUnavailableError({ ...reason, hint: `${reason.hint.replace(SESSION_ONLY, '').trim()} ${instead}`.trim() });
}

/** A secret that cannot be stored as given (bad name or key, non-string value). */
export class InvalidSecretError extends GatehouseError {
  readonly code = 'GATEHOUSE_VAULT_INVALID_SECRET';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidSecretError';
  }
}

const SESSION_ONLY = 'Or continue with a session-only vault: secrets are kept in memory and forgotten when Gatehouse exits.';

/** First line of whatever was thrown, with every non-empty value in `secrets` masked. */
export function redactedDetail(error: unknown, secrets: readonly string[] = []): string {
  let text = (error instanceof Error ? error.message : String(error)).split('\n')[0]?.trim() ?? '';
  for (const value of secrets) if (value) text = text.split(value).join('[redacted]');
  return text.slice(0, 300);
}

/** What a source checkout needs to build keytar on each platform (its install script compiles it from source). */
function keytarBuildPrerequisites(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'the Xcode command line tools (xcode-select --install)';
  if (platform === 'win32') return 'Visual Studio Build Tools with the "Desktop development with C++" workload';
  return 'the libsecret headers and a C++ toolchain (Debian/Ubuntu: sudo apt-get install libsecret-1-dev g++ make; Fedora: sudo dnf install libsecret-devel gcc-c++ make)';
}

/**
 * keytar itself could not be loaded. npm installs it as an optional dependency: where it cannot be built,
 * `npm install` leaves it out and succeeds, so "not installed" and "installed but never built" each get the
 * command that fixes exactly that.
 */
export function keytarLoadProblem(error: unknown, platform: NodeJS.Platform = process.platform): VaultProblem {
  const detail = redactedDetail(error);
  const notFound = (error as { code?: unknown } | null)?.code === 'MODULE_NOT_FOUND';
  if (platform === 'linux' && /libsecret/i.test(detail)) {
    return {
      code: 'GATEHOUSE_VAULT_LIBSECRET_MISSING',
      problem: 'the libsecret library is not installed',
      hint: `Install it (Debian/Ubuntu: sudo apt install libsecret-1-0 gnome-keyring; Fedora: sudo dnf install libsecret gnome-keyring) and restart Gatehouse. ${SESSION_ONLY}`,
      detail,
    };
  }
  if (notFound && /Cannot find module 'keytar'/.test(detail)) {
    return {
      code: 'GATEHOUSE_VAULT_MODULE_MISSING',
      problem: 'the keychain module keytar is not installed: npm install skips it when it cannot be built here',
      hint: `From a source checkout, install ${keytarBuildPrerequisites(platform)}, then run npm install again and restart Gatehouse; an installed Gatehouse needs reinstalling. ${SESSION_ONLY}`,
      detail,
    };
  }
  if (notFound && /keytar\.node/.test(detail)) {
    return {
      code: 'GATEHOUSE_VAULT_MODULE_NOT_BUILT',
      problem: 'the keychain module keytar is installed but was never built (its install script did not run)',
      hint: `Install ${keytarBuildPrerequisites(platform)}, then run npm rebuild keytar and restart Gatehouse. ${SESSION_ONLY}`,
      detail,
    };
  }
  return {
    code: 'GATEHOUSE_VAULT_MODULE_MISSING',
    problem: 'the keychain module (keytar) could not be loaded',
    hint: `Reinstall Gatehouse; from a source checkout install ${keytarBuildPrerequisites(platform)}, then run npm rebuild keytar. ${SESSION_ONLY}`,
    detail,
  };
}

/** Maps a keytar call failure to what is actually wrong on this platform. */
export function keychainFailureProblem(error: unknown, platform: NodeJS.Platform = process.platform, secrets: readonly string[] = []): VaultProblem {
  const detail = redactedDetail(error, secrets);
  if (/autolaunch D-Bus|Could not connect|DBUS_SESSION_BUS_ADDRESS|Failed to connect to socket|session bus/i.test(detail)) {
    return {
      code: 'GATEHOUSE_VAULT_NO_SESSION_BUS',
      problem: 'there is no D-Bus session bus to reach the Secret Service',
      hint: `Start Gatehouse from a desktop session, or wrap it: dbus-run-session -- sh -c 'echo -n PASSWORD | gnome-keyring-daemon --unlock --components=secrets; gatehouse'. ${SESSION_ONLY}`,
      detail,
    };
  }
  if (/org\.freedesktop\.secrets|ServiceUnknown|not provided by any \.service files/i.test(detail)) {
    return {
      code: 'GATEHOUSE_VAULT_NO_SECRET_SERVICE',
      problem: 'no Secret Service provider (gnome-keyring or KWallet) is running',
      hint: `Install and unlock gnome-keyring (Debian/Ubuntu: sudo apt install gnome-keyring), or enable KWallet's Secret Service, then restart Gatehouse. ${SESSION_ONLY}`,
      detail,
    };
  }
  if (/Object does not exist at path .*collection|No such object path .*collection/i.test(detail)) {
    return {
      code: 'GATEHOUSE_VAULT_NO_KEYRING',
      problem: 'the Secret Service has no default keyring to store secrets in',
      hint: `Create a login keyring (Passwords and Keys / seahorse, or: echo -n PASSWORD | gnome-keyring-daemon --unlock) and try again. ${SESSION_ONLY}`,
      detail,
    };
  }
  if (/locked|interaction is not allowed|-25308/i.test(detail)) {
    return {
      code: 'GATEHOUSE_VAULT_LOCKED',
      problem: platform === 'darwin' ? 'the login keychain is locked' : 'the keyring is locked',
      hint:
        platform === 'darwin'
          ? `Unlock the login keychain (Keychain Access, or: security unlock-keychain login.keychain-db) and try again. ${SESSION_ONLY}`
          : `Unlock the login keyring (log in to the desktop session, or run: echo -n PASSWORD | gnome-keyring-daemon --unlock) and try again. ${SESSION_ONLY}`,
      detail,
    };
  }
  if (/cancel|denied|not permitted|-128\b|-25293/i.test(detail)) {
    return {
      code: 'GATEHOUSE_VAULT_ACCESS_DENIED',
      problem: 'access to the keychain was denied',
      hint: `Allow Gatehouse when the system asks for keychain access, then try again. ${SESSION_ONLY}`,
      detail,
    };
  }
  return {
    code: 'GATEHOUSE_VAULT_FAILED',
    problem: 'the keychain reported an error',
    hint: `Check that the system keychain works (${platform === 'linux' ? 'e.g. with seahorse or secret-tool' : platform === 'darwin' ? 'in Keychain Access' : 'in Credential Manager'}) and try again. ${SESSION_ONLY}`,
    detail,
  };
}
