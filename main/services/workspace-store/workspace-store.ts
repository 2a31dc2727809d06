// The workspace file in one directory (Electron's userData, or defaultCliWorkspaceDir()):
//   workspace.json                  the current workspace
//   workspace.json.bak              the previous good version, replaced on every save
//   workspace.json.corrupt-<time>   a file that could not be read, kept when a save replaced it
//   workspace.json.comments-<time>  a file whose comments a save dropped (the YAML written has none), kept as it was
// Operations on one store run one at a time, in call order, so the last save called is the one kept.
// Every version of the file has a revision: a digest of the workspace it holds, as this store would write it (so an
// editor's re-indenting or line endings are no new revision), or of its bytes when it cannot be read as one. A save
// names the revision its edit was made on
// (by default the one this store last read or wrote), and never overwrites a readable file that is at another one
// (another program wrote it: an editor, `gatehouse import`, a second app): it refuses with
// WorkspaceChangedOutsideError, which carries that workspace and its revision.
import { createHash } from 'node:crypto';
import * as nodeFs from 'node:fs/promises';
import { join } from 'node:path';
import { Mutex } from 'async-mutex';
import type { Workspace } from '../../../gateway/config/schema';
import { WorkspaceValidationError, validateStoredWorkspace, validateWorkspace } from '../../../gateway/config/validate';
import { removeStaleTempFiles, writeFileAtomic, type AtomicFs } from './atomic-write';
import { WORKSPACE_FILE } from './store-paths';
import { decodeWorkspaceText, encodeWorkspace, hasComments, type DecodedWorkspace } from './workspace-document';
import { NoBackupError, WorkspaceChangedOutsideError, WorkspaceFileAccessError, WorkspaceSavedMeanwhileError, type WorkspaceFileProblem } from './workspace-errors';
import { DocumentSyntaxError, utf8Text } from '../../../gateway/config/parse-document';
import type { WorkspaceMigration } from './workspace-migrations';

export type StoreFs = AtomicFs & Pick<typeof nodeFs, 'readFile' | 'mkdir' | 'stat' | 'realpath'>;

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
      revision: string;
    }
  | {
      ok: false;
      /** DocumentSyntaxError (line/column), WorkspaceValidationError (field paths), WorkspaceVersionError, or WorkspaceFileAccessError. */
      error: WorkspaceFileProblem;
      /** True when workspace.json.bak exists and is itself readable: offer restoreBackup(). */
      backupAvailable: boolean;
      /** The revision of the bytes that could not be used (undefined: they could not be read at all). */
      revision?: string;
    };

/** The revision of no file at all. */
export const NO_FILE = 'none';
/** A digest of text or bytes, as revisions are written. */
export function revisionOf(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex').slice(0, 32);
}

/** How many of its own writes a store remembers, to tell a save that raced another save of the same app. */
const OWN_WRITES_KEPT = 32;

export interface SaveOptions {
  /** The revision the saved workspace was made on; by default the one this store last read or wrote. */
  basedOn?: string;
}

export interface SavedWorkspace {
  workspace: Workspace;
  /** The file's revision now. */
  revision: string;
  /** False when the file already held exactly this workspace. */
  written: boolean;
  /** Where an unreadable file that this save replaced was kept. */
  preservedAs?: string;
  /**
   * Where the text this save replaced was kept because it held comments the written text does not (YAML Gatehouse
   * writes has none): a file of its own, which no later save replaces, so the comments are never lost unsaid.
   */
  commentsKeptIn?: string;
}

export class WorkspaceStore {
  readonly filePath: string;
  readonly backupPath: string;
  readonly #fs: StoreFs;
  readonly #now: () => Date;
  readonly #migrations: readonly WorkspaceMigration[] | undefined;
  readonly #platform: NodeJS.Platform;
  readonly #turns = new Mutex();
  /** The revision this store last read or wrote; undefined before it looked. */
  #known: string | undefined;
  /** The revisions this store wrote itself, the latest last. */
  readonly #ownWrites: string[] = [];

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
    return this.#serial(async (): Promise<LoadResult> => {
      await removeStaleTempFiles(this.filePath, this.#fs);
      await removeStaleTempFiles(this.backupPath, this.#fs);
      const bytes = await this.#readIfExists(this.filePath);
      const backupAvailable = await this.#backupUsable();
      if (bytes === undefined) {
        this.#known = NO_FILE;
        const empty = validateWorkspace({});
        if (!empty.ok) throw new WorkspaceValidationError(empty.errors, 'default workspace');
        return { ok: true, workspace: empty.value, state: 'missing', migrations: [], backupAvailable, revision: NO_FILE };
      }
      const decoded = this.#decode(bytes, this.filePath);
      this.#known = this.#revisionOf(bytes, decoded);
      return this.#loaded(decoded, this.#known, backupAvailable);
    }).catch((error: unknown) => this.#unreadable(error));
  }

  /**
   * What the file holds now, when that is not what this store last read or wrote (another program changed it);
   * `unchanged` when it is, `gone` when there is no file (a save writes it again).
   */
  readChange(): Promise<LoadResult | 'unchanged' | 'gone'> {
    return this.#serial(async (): Promise<LoadResult | 'unchanged' | 'gone'> => {
      const bytes = await this.#readIfExists(this.filePath);
      if (bytes === undefined) return 'gone';
      const decoded = this.#decode(bytes, this.filePath);
      const revision = this.#revisionOf(bytes, decoded);
      if (revision === this.#known) return 'unchanged';
      this.#known = revision;
      return this.#loaded(decoded, revision, await this.#backupUsable());
    }).catch((error: unknown) => this.#unreadable(error));
  }

  #loaded(decoded: DecodedWorkspace, revision: string, backupAvailable: boolean): LoadResult {
    if (!decoded.ok) return { ok: false, error: decoded.problem, backupAvailable, revision };
    return { ok: true, workspace: decoded.workspace, state: 'loaded', fromVersion: decoded.fromVersion, migrations: decoded.migrations, backupAvailable, revision };
  }

  // A file the process may not read (permissions, an I/O error) is reported as a load problem, like a broken one.
  #unreadable(error: unknown): LoadResult {
    if (error instanceof WorkspaceFileAccessError) return { ok: false, error, backupAvailable: false };
    throw error;
  }

  /** Whether workspace.json.bak exists now and is readable (it changes with every save). */
  backupAvailable(): Promise<boolean> {
    return this.#serial(() => this.#backupUsable());
  }

  /**
   * Validates and writes. Leaves every file as it was when the workspace is invalid (WorkspaceValidationError), when
   * the file holds a readable workspace at another revision than the one the save was made on
   * (WorkspaceChangedOutsideError), or when the disk refuses (WorkspaceFileAccessError).
   */
  save(input: unknown, options: SaveOptions = {}): Promise<SavedWorkspace> {
    const result = validateWorkspace(input);
    return this.#serial(async () => {
      if (!result.ok) throw new WorkspaceValidationError(result.errors, 'workspace');
      return this.#write(result.value, { basedOn: options.basedOn ?? this.#known });
    });
  }

  /**
   * Refuses as `save` would, without writing anything: WorkspaceChangedOutsideError when the file holds a readable
   * workspace at another revision than `basedOn` (by default the one this store last read or wrote). For a caller
   * with other writes to make before the save (the vault's); `save` checks again as it writes.
   */
  checkRevision(basedOn?: string): Promise<void> {
    return this.#serial(async () => {
      const current = await this.#readIfExists(this.filePath);
      if (current !== undefined) this.#refuseOtherRevision(current, this.#decode(current, this.filePath), basedOn ?? this.#known);
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
      // Asked for by the user, of the file as last read (the broken one the banner names): kept as the backup, or
      // as .corrupt-<time>. A readable version another program wrote since is not written over.
      return this.#write(decoded.workspace, { basedOn: this.#known });
    });
  }

  /** `basedOn` undefined: whatever the file holds is replaced (and kept as the backup, or aside when unreadable). */
  async #write(workspace: Workspace, { basedOn }: { basedOn: string | undefined }): Promise<SavedWorkspace> {
    const text = encodeWorkspace(workspace, this.filePath);
    const current = await this.#readIfExists(this.filePath);
    if (current !== undefined && current.toString('utf8') === text) {
      this.#known = revisionOf(text);
      return { workspace, revision: this.#known, written: false };
    }
    const decoded = current === undefined ? undefined : this.#decode(current, this.filePath);
    if (current !== undefined) this.#refuseOtherRevision(current, decoded!, basedOn);
    let preservedAs: string | undefined;
    let commentsKeptIn: string | undefined;
    try {
      await this.#fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
      // The file keeps its mode: one a gateway of another user reads (0644) stays readable; it holds secret names only.
      const keepMode = current === undefined ? undefined : await this.#modeOf(this.filePath);
      // Kept as raw bytes: a hand-broken file may not even be valid UTF-8, and it is the user's data.
      if (decoded?.ok) {
        await this.#atomic(this.backupPath, current!);
        // The backup is replaced by the next save: comments the new text drops are kept in a file of their own.
        if (hasComments(current!.toString('utf8'))) await this.#atomic((commentsKeptIn = await this.#asidePath('comments')), current!);
      } else if (decoded) await this.#atomic((preservedAs = await this.#asidePath('corrupt')), current!);
      await this.#atomic(await this.#landingPath(), text, keepMode);
    } catch (error) {
      throw new WorkspaceFileAccessError(this.filePath, 'write', error);
    }
    this.#known = revisionOf(text);
    this.#ownWrites.push(this.#known);
    if (this.#ownWrites.length > OWN_WRITES_KEPT) this.#ownWrites.shift();
    return { workspace, revision: this.#known, written: true, ...(preservedAs ? { preservedAs } : {}), ...(commentsKeptIn ? { commentsKeptIn } : {}) };
  }

  /** Throws when the file holds a readable workspace at another revision than `basedOn` (undefined: any will do). */
  #refuseOtherRevision(current: Buffer, decoded: DecodedWorkspace, basedOn: string | undefined): void {
    // An unreadable file is not refused: it is kept next to the new one, and Gatehouse could not show it anyway.
    if (!decoded.ok || basedOn === undefined) return;
    const revision = this.#revisionOf(current, decoded);
    if (revision === basedOn) return;
    // The caller gets that workspace with the error, and the watch need not report it again.
    this.#known = revision;
    if (this.#ownWrites.includes(revision)) throw new WorkspaceSavedMeanwhileError(this.filePath, decoded.workspace, revision);
    throw new WorkspaceChangedOutsideError(this.filePath, decoded.workspace, revision);
  }

  /** The revision of a version of the file: of the workspace it holds as this store writes it, else of its bytes. */
  #revisionOf(bytes: Buffer, decoded: DecodedWorkspace): string {
    return decoded.ok ? revisionOf(encodeWorkspace(decoded.workspace, this.filePath)) : revisionOf(bytes);
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

  // A backup that cannot be read (a folder, another user's file) is no backup; it never makes the workspace unreadable.
  async #backupUsable(): Promise<boolean> {
    const bytes = await this.#readIfExists(this.backupPath).catch(() => undefined);
    return bytes !== undefined && this.#decode(bytes, this.backupPath).ok;
  }

  /** A name no file has yet beside the workspace file, for a version kept aside: `<file>.<why>-<time>`. */
  async #asidePath(why: 'corrupt' | 'comments'): Promise<string> {
    const stamp = this.#now().toISOString().replace(/[:.]/g, '-');
    for (let n = 1; ; n++) {
      const candidate = `${this.filePath}.${why}-${stamp}${n > 1 ? `-${n}` : ''}`;
      if (!(await this.#exists(candidate))) return candidate;
    }
  }

  /**
   * Where a write of the workspace file lands: a file that is a symbolic link (to a workspace kept in Git, say) is
   * written where it points now. Renamed over, the link would become a file of its own, and its target, which an
   * editor or a gateway's --config names, would keep the old version while the app said "saved". A link that leads
   * nowhere is replaced.
   */
  async #landingPath(): Promise<string> {
    return this.#fs.realpath(this.filePath).catch(() => this.filePath);
  }

  /** The permission bits of the file there, or undefined when it cannot be told. */
  async #modeOf(path: string): Promise<number | undefined> {
    return this.#fs.stat(path).then((stats) => stats.mode & 0o777, () => undefined);
  }

  /** A new file is private (0600); `keepMode` is the mode of the file it replaces, kept. */
  #atomic(path: string, data: string | Uint8Array, keepMode?: number): Promise<{ synced: boolean }> {
    return writeFileAtomic(path, data, { fs: this.#fs, mode: 0o600, ...(keepMode === undefined ? {} : { keepMode }), platform: this.#platform });
  }

  async #readIfExists(path: string): Promise<Buffer | undefined> {
    try {
      return await this.#fs.readFile(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new WorkspaceFileAccessError(path, 'read', error);
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
