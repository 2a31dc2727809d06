// The workspace file in one directory (Electron's userData, or defaultCliWorkspaceDir()):
//   workspace.json                  the current workspace
//   workspace.json.bak              the previous good version, replaced on every save
//   workspace.json.corrupt-<time>   a file that could not be read, kept when a save replaced it
// Operations on one store run one at a time, in call order, so the last save called is the one kept.
import * as nodeFs from 'node:fs/promises';
import { join } from 'node:path';
import { Mutex } from 'async-mutex';
import type { Workspace } from '../../../gateway/config/schema';
import { WorkspaceValidationError, validateStoredWorkspace, validateWorkspace } from '../../../gateway/config/validate';
import { removeStaleTempFiles, writeFileAtomic, type AtomicFs } from './atomic-write';
import { WORKSPACE_FILE } from './store-paths';
import { decodeWorkspaceText, encodeWorkspace, type DecodedWorkspace } from './workspace-document';
import { NoBackupError, type WorkspaceFileProblem } from './workspace-errors';
import { DocumentSyntaxError, utf8Text } from '../../../gateway/config/parse-document';
import type { WorkspaceMigration } from './workspace-migrations';

export type StoreFs = AtomicFs & Pick<typeof nodeFs, 'readFile' | 'mkdir' | 'stat'>;

export interface WorkspaceStoreOptions {
  fs?: StoreFs;
  now?: () => Date;
  migrations?: readonly WorkspaceMigration[];
  platform?: NodeJS.Platform;
  /** File name inside `dir` (the CLI's --workspace may name another file). */
  fileName?: string;
}

export type LoadResult =
  | {
      ok: true;
      workspace: Workspace;
      /** `missing`: there is no file yet and `workspace` is the empty default. */
      state: 'loaded' | 'missing';
      /** Version the file was written with; below the current one it is migrated in memory and written on the next save. */
      fromVersion?: number;
      migrations: string[];
      backupAvailable: boolean;
    }
  | {
      ok: false;
      /** DocumentSyntaxError (line/column), WorkspaceValidationError (field paths) or WorkspaceVersionError. */
      error: WorkspaceFileProblem;
      /** True when workspace.json.bak exists and is itself readable: offer restoreBackup(). */
      backupAvailable: boolean;
    };

export interface SavedWorkspace {
  workspace: Workspace;
  /** False when the file already held exactly this workspace. */
  written: boolean;
  /** Where an unreadable file that this save replaced was kept. */
  preservedAs?: string;
}

export class WorkspaceStore {
  readonly filePath: string;
  readonly backupPath: string;
  readonly #fs: StoreFs;
  readonly #now: () => Date;
  readonly #migrations: readonly WorkspaceMigration[] | undefined;
  readonly #platform: NodeJS.Platform;
  readonly #turns = new Mutex();

  constructor(
    readonly dir: string,
    options: WorkspaceStoreOptions = {},
  ) {
    this.filePath = join(dir, options.fileName ?? WORKSPACE_FILE);
    this.backupPath = `${this.filePath}.bak`;
    this.#fs = options.fs ?? nodeFs;
    this.#now = options.now ?? (() => new Date());
    this.#migrations = options.migrations;
    this.#platform = options.platform ?? process.platform;
  }

  load(): Promise<LoadResult> {
    return this.#serial(async () => {
      await removeStaleTempFiles(this.filePath, this.#fs);
      await removeStaleTempFiles(this.backupPath, this.#fs);
      const bytes = await this.#readIfExists(this.filePath);
      const backupAvailable = await this.#backupUsable();
      if (bytes === undefined) {
        const empty = validateWorkspace({});
        if (!empty.ok) throw new WorkspaceValidationError(empty.errors, 'default workspace');
        return { ok: true, workspace: empty.value, state: 'missing', migrations: [], backupAvailable };
      }
      const decoded = this.#decode(bytes, this.filePath);
      if (!decoded.ok) return { ok: false, error: decoded.problem, backupAvailable };
      return { ok: true, workspace: decoded.workspace, state: 'loaded', fromVersion: decoded.fromVersion, migrations: decoded.migrations, backupAvailable };
    });
  }

  /** Whether workspace.json.bak exists now and is readable (it changes with every save). */
  backupAvailable(): Promise<boolean> {
    return this.#serial(() => this.#backupUsable().catch(() => false));
  }

  /** Validates and writes; an invalid workspace throws WorkspaceValidationError and leaves every file as it was. */
  save(input: unknown): Promise<SavedWorkspace> {
    const result = validateWorkspace(input);
    return this.#serial(async () => {
      if (!result.ok) throw new WorkspaceValidationError(result.errors, 'workspace');
      return this.#write(result.value);
    });
  }

  /**
   * Makes the backup the current workspace. The current file is not lost: a readable one becomes
   * the new backup, an unreadable one is kept as workspace.json.corrupt-<time>.
   */
  restoreBackup(): Promise<SavedWorkspace> {
    return this.#serial(async () => {
      const bytes = await this.#readIfExists(this.backupPath);
      if (bytes === undefined) throw new NoBackupError(this.backupPath);
      const decoded = this.#decode(bytes, this.backupPath);
      if (!decoded.ok) throw decoded.problem;
      return this.#write(decoded.workspace);
    });
  }

  async #write(workspace: Workspace): Promise<SavedWorkspace> {
    const text = encodeWorkspace(workspace, this.filePath);
    await this.#fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    const current = await this.#readIfExists(this.filePath);
    let preservedAs: string | undefined;
    if (current !== undefined) {
      if (current.toString('utf8') === text) return { workspace, written: false };
      // Kept as raw bytes: a hand-broken file may not even be valid UTF-8, and it is the user's data.
      if (this.#decode(current, this.filePath).ok) await this.#atomic(this.backupPath, current);
      else await this.#atomic((preservedAs = await this.#corruptPath()), current);
    }
    await this.#atomic(this.filePath, text);
    return preservedAs ? { workspace, written: true, preservedAs } : { workspace, written: true };
  }

  #decode(bytes: Buffer, source: string): DecodedWorkspace {
    let text: string;
    try {
      text = utf8Text(bytes, source);
    } catch (error) {
      if (error instanceof DocumentSyntaxError) return { ok: false, problem: error };
      throw error;
    }
    // Read back as stored: an item saved before a check that now refuses it does not empty the workspace.
    return decodeWorkspaceText(text, source, this.#migrations, validateStoredWorkspace);
  }

  async #backupUsable(): Promise<boolean> {
    const bytes = await this.#readIfExists(this.backupPath);
    return bytes !== undefined && this.#decode(bytes, this.backupPath).ok;
  }

  async #corruptPath(): Promise<string> {
    const stamp = this.#now().toISOString().replace(/[:.]/g, '-');
    for (let n = 1; ; n++) {
      const candidate = `${this.filePath}.corrupt-${stamp}${n > 1 ? `-${n}` : ''}`;
      if (!(await this.#exists(candidate))) return candidate;
    }
  }

  #atomic(path: string, data: string | Uint8Array): Promise<void> {
    return writeFileAtomic(path, data, { fs: this.#fs, mode: 0o600, platform: this.#platform });
  }

  async #readIfExists(path: string): Promise<Buffer | undefined> {
    try {
      return await this.#fs.readFile(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async #exists(path: string): Promise<boolean> {
    try {
      await this.#fs.stat(path);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    return this.#turns.runExclusive(task);
  }
}
