// Watching a config file's folder across renames, removal and re-creation: the headless gateway's --config (and
// --secrets) and the app's workspace file are both written by replace-by-rename, which a watch on the file itself
// loses after the first save.
import { statSync, unwatchFile, watch, watchFile, type FSWatcher, type Stats } from 'node:fs';

/**
 * How long a watched config file (the headless gateway's, the app's workspace) must go unchanged before it is
 * read. A generator writing it in steps (a template rendered in parts) leaves a first part that can be a valid
 * workspace on its own: a service whose protecting route comes later is then served whole, unprotected, until the
 * rest arrives (it was, between two writes 0.6 s apart, with 100 ms). Half a second covers writes in quick
 * succession; the safe way, which editors, kubectl and the app take, is to write a temporary file and rename it
 * over the config (README).
 */
export const CONFIG_QUIET_MS = 500;

/** How often a watched folder's own identity is checked, to follow it across removal and re-creation. */
const FOLDER_CHECK_MS = 1000;

/**
 * Watches a folder until the returned function is called, across its removal and re-creation (a deploy that replaces
 * the config folder, `rm -r conf && cp -r new conf`): the kernel's watch follows the folder's inode and goes
 * silent once it is removed, without an error. The folder's own identity is polled, and a new one gets a new
 * watch and a look at the folder (`changed` null: whatever is in it). While the folder is gone, the look finds no
 * file, which keeps the running config and says so.
 */
export function watchFolder(folder: string, onChange: (changed: string | null) => void): () => void {
  let identity = folderIdentity(statOrGone(folder));
  let watcher: FSWatcher | undefined;
  const start = () => {
    try {
      watcher = watch(folder, { persistent: false }, (_event, changed) => onChange(changed));
      // Removed between the stat and the watch, or a watch limit reached: the folder's next change tries again.
      watcher.on('error', () => {
        watcher?.close();
        watcher = undefined;
        identity = 'unwatched';
      });
    } catch {
      watcher = undefined;
      identity = 'unwatched';
    }
  };
  start();
  const onIdentity = (now: Stats) => {
    const current = folderIdentity(now);
    if (current === identity) return;
    identity = current;
    watcher?.close();
    watcher = undefined;
    if (current !== 'gone') start();
    onChange(null);
  };
  watchFile(folder, { interval: FOLDER_CHECK_MS, persistent: false }, onIdentity);
  return () => {
    unwatchFile(folder, onIdentity);
    watcher?.close();
    watcher = undefined;
  };
}

function statOrGone(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Which folder a path names: its inode and birth time. A folder removed and created at once often gets the same
 * inode back (ext4 does), so the inode alone cannot tell them apart; where the file system keeps no birth time,
 * the change time stands in (any change then looks like a new folder, which costs one more read of the file).
 */
function folderIdentity(stats: Stats | undefined): string {
  if (stats === undefined || stats.ino === 0) return 'gone';
  return `${stats.ino}/${stats.birthtimeMs || stats.ctimeMs}`;
}
