export type { SecretData, SecretRef, StoredSecretKeys, SecretVault, StoredSecret, VaultMode, VaultProblem, VaultHealth, VaultUnavailableCode } from './secret-vault';
export { KeytarVault, type KeytarVaultOptions } from './keytar-vault';
export { SessionVault } from './session-vault';
export { VaultSecretSource } from './vault-secret-source';
export { openVault, type OpenVaultOptions, type OpenedVault } from './open-vault';
export { InvalidSecretError, VaultUnavailableError, keychainFailureProblem, keytarLoadProblem } from './vault-errors';
export { loadKeytar, type KeytarLoader, type KeytarModule } from './keytar-module';
export { DEFAULT_KEYCHAIN_SERVICE, keychainService, parseSecretAccount, secretAccount } from './keychain-accounts';
export { secretId } from '../../../gateway/config/secret-names';
