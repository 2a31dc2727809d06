import type { DocumentSyntaxError } from '../../../gateway/config/parse-document';
import type { WorkspaceValidationError } from '../../../gateway/config/validate';
import { GatehouseError } from '../../../gateway/errors/gatehouse-error';

/** The file's `version` is not one this build can read (newer than it, or not a version at all). */
export class WorkspaceVersionError extends GatehouseError {
  readonly code = 'GATEHOUSE_WORKSPACE_VERSION';
  constructor(
    readonly found: unknown,
    readonly supported: number,
    source: string,
    detail: string,
  ) {
    super(`${source}: ${detail}`);
    this.name = 'WorkspaceVersionError';
  }
}

/**
 * Why a workspace file cannot be used: a syntax error (with `line`/`column`), a schema error
 * (with field paths in `errors`), or a version this build cannot read.
 */
export type WorkspaceFileProblem = DocumentSyntaxError | WorkspaceValidationError | WorkspaceVersionError;

export class NoBackupError extends GatehouseError {
  readonly code = 'GATEHOUSE_WORKSPACE_NO_BACKUP';
  constructor(readonly path: string) {
    super(`${path}: there is no backup to restore`);
    this.name = 'NoBackupError';
  }
}
