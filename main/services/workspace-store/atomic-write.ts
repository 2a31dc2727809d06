// Replace-by-rename, so readers and crashes only ever see the old file or the new one: write a
// temp file in the same directory (same filesystem, so rename is atomic), fsync it, rename it over
// the target, then fsync the directory so the rename itself survives a power loss.
import { randomBytes } from 'node:crypto';
import * as nodeFs from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export type AtomicFs = Pick<typeof nodeFs, 'open' | 'rename' | 'unlink' | 'readdir'>;

export interface AtomicWriteOptions {
  fs?: AtomicFs;
  /** Permission bits of a newly created file (less the umask). */
  mode?: number;
  /** Permission bits the file is given whatever the umask: those of the file it replaces. */
  keepMode?: number;
  platform?: NodeJS.Platform;
}

const TEMP_SUFFIX = /^(\d+)\.[0-9a-f]{12}\.tmp$/;

function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * `synced: false`: the new file is in place, but the folder could not be synced (an I/O error), so the rename is
 * less sure to outlive a power loss. Not a failed write: saying "nothing was saved" then would be false.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<{ synced: boolean }> {
  const fs = options.fs ?? nodeFs;
  const platform = options.platform ?? process.platform;
  const temp = tempPathFor(path);
  const handle = await fs.open(temp, 'wx', options.keepMode ?? options.mode ?? 0o644);
  try {
    try {
      if (options.keepMode !== undefined) await handle.chmod(options.keepMode);
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await renameWithRetry(fs, temp, path, platform);
  } catch (error) {
    await fs.unlink(temp).catch(() => undefined);
    throw error;
  }
  return syncDirectory(fs, dirname(path), platform).then(
    () => ({ synced: true }),
    () => ({ synced: false }),
  );
}

// Windows refuses to replace a file another process (an indexer, an antivirus) has open for a moment.
async function renameWithRetry(fs: AtomicFs, from: string, to: string, platform: NodeJS.Platform): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fs.rename(from, to);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (platform !== 'win32' || attempt >= 10 || !(code === 'EPERM' || code === 'EACCES' || code === 'EBUSY')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * (attempt + 1)));
    }
  }
}

async function syncDirectory(fs: AtomicFs, dir: string, platform: NodeJS.Platform): Promise<void> {
  // Windows cannot open a directory for fsync (and NTFS journals renames); some filesystems refuse it.
  if (platform === 'win32') return;
  let handle: nodeFs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'ENOTSUP' && code !== 'EISDIR') throw error;
  } finally {
    await handle?.close();
  }
}

/** Deletes temp files of `path` left behind by processes that died mid-write; returns their names. */
export async function removeStaleTempFiles(path: string, fs: AtomicFs = nodeFs): Promise<string[]> {
  const prefix = `.${basename(path)}.`;
  let names: string[];
  try {
    names = await fs.readdir(dirname(path));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(TEMP_SUFFIX.exec(name.slice(prefix.length))?.[1]);
    if (!pid || pid === process.pid || isRunning(pid)) continue;
    await fs.unlink(join(dirname(path), name)).then(
      () => removed.push(name),
      () => undefined,
    );
  }
  return removed;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
