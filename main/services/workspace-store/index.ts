export { NO_FILE, WorkspaceStore, revisionOf, type LoadResult, type SaveOptions, type SavedWorkspace, type StoreFs, type WorkspaceStoreOptions } from './workspace-store';
export { WORKSPACE_FILE, defaultCliWorkspaceDir } from './store-paths';
export { writeFileAtomic, removeStaleTempFiles, type AtomicFs, type AtomicWriteOptions } from './atomic-write';
export { writePrivateFile, PrivateFileError } from './private-file';
export { WORKSPACE_MIGRATIONS, migrateWorkspaceDocument, type MigrationResult, type WorkspaceMigration } from './workspace-migrations';
export { decodeWorkspaceText, decodeWorkspaceDocument, encodeWorkspace, type DecodedWorkspace } from './workspace-document';
export { NoBackupError, WorkspaceChangedOutsideError, WorkspaceSavedMeanwhileError, WorkspaceFileAccessError, WorkspaceVersionError, type WorkspaceFileProblem } from './workspace-errors';
export { exportWorkspace, exportEncryptedBundle, importWorkspace, readReferencedSecrets, type ImportOptions, type ImportedWorkspace } from './workspace-bundle';
export { BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, BundleError, DEFAULT_SCRYPT, MIN_PASSPHRASE_LENGTH, type BundleErrorCode, type ScryptParams, type SealedEnvelope } from './bundle-crypto';
