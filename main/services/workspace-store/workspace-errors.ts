import type { DocumentSyntaxError } from '../../../gateway/config/parse-document';
import type { WorkspaceValidationError } from '../../../gateway/config/validate';
import { GatehouseError } from '../../../gateway/errors/gatehouse-error';
import { fileFailureCause } from '../../../gateway/errors/file-failure';
import type { Workspace } from '../../../gateway/config/schema';

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
 * (with field paths in `errors`), a version this build cannot read, or a file the process cannot read at all.
 */
export type WorkspaceFileProblem = DocumentSyntaxError | WorkspaceValidationError | WorkspaceVersionError | WorkspaceFileAccessError;

export class NoBackupError extends GatehouseError {
  readonly code = 'GATEHOUSE_WORKSPACE_NO_BACKUP';
  constructor(readonly path: string) {
    super(`${path}: there is no backup to restore`);
    this.name = 'NoBackupError';
  }
}

/**
 * A save found the file holding a workspace other than the one this store last read or wrote: another program
 * (an editor, `gatehouse import`, a second window) changed it since. Nothing was written; `current` is what the
 * file holds now, so the caller can take it up instead of overwriting it.
 */
export class WorkspaceChangedOutsideError extends GatehouseError {
  readonly code: string = 'GATEHOUSE_WORKSPACE_CHANGED_OUTSIDE';
  constructor(
    readonly path: string,
    readonly current: Workspace,
    /** The revision of `current`: a save made on it goes through. */
    readonly revision: string,
    hint?: string,
    message = `${path} was changed by another program since Gatehouse read it; nothing was written, so that change is kept`,
  ) {
    super(message, { hint });
    this.name = 'WorkspaceChangedOutsideError';
  }

  /** The same refusal with what the user can do next. */
  withHint(hint: string): WorkspaceChangedOutsideError {
    return new WorkspaceChangedOutsideError(this.path, this.current, this.revision, hint, this.message);
  }
}

/**
 * A save made on a revision that another save of this same store replaced meanwhile (the Cluster screen remembering
 * a context, an import, while a form saved): refused as any other, and said as what it is.
 */
export class WorkspaceSavedMeanwhileError extends WorkspaceChangedOutsideError {
  override readonly code: string = 'GATEHOUSE_WORKSPACE_SAVED_MEANWHILE';
  constructor(path: string, current: Workspace, revision: string, hint?: string) {
    super(path, current, revision, hint, `${path} was saved meanwhile by another save in Gatehouse; nothing was written, so that save is kept`);
    this.name = 'WorkspaceSavedMeanwhileError';
  }

  override withHint(hint: string): WorkspaceSavedMeanwhileError {
    return new WorkspaceSavedMeanwhileError(this.path, this.current, this.revision, hint);
  }
}

/** Reading or writing the workspace's files failed (a full disk, a read-only file system, permissions). */
export class WorkspaceFileAccessError extends GatehouseError {
  readonly code = 'GATEHOUSE_WORKSPACE_FILE_ACCESS';
  constructor(
    readonly path: string,
    readonly operation: 'read' | 'write',
    cause: unknown,
  ) {
    super(
      operation === 'write'
        ? `Could not write ${path}: ${fileFailureCause(cause) ?? 'an unknown failure'}. Nothing was saved; the file holds what it held before`
        : `Could not read ${path}: ${fileFailureCause(cause) ?? 'an unknown failure'}`,
      { cause },
    );
    this.name = 'WorkspaceFileAccessError';
  }
}
