// Which changes concern one named file (the headless gateway's --config and --secrets alike): the one rule for
// following a file through replace-by-rename and through symbolic links, on top of folder-watch.ts.
import { realpathSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { watchFolder } from './folder-watch';

/** Where a path leads once its links are followed; undefined while it leads nowhere. */
function realPath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Calls `onChange` on every change that may concern the file at `path`, until the returned function is called.
 * Watches the folder, not the file: editors and the app's store replace the file by renaming over it. A file that is
 * a symbolic link is followed: its target's folder is watched too, and any change in the link's own folder is looked
 * at (a Kubernetes ConfigMap or Secret volume swaps a `..data` link beside the file and never touches the file's
 * name). A link pointed elsewhere (that swap, `ln -sfn`) has its new target's folder watched from then on, so an
 * edit there is seen too. Whether the file's bytes changed is the caller's to tell.
 */
export function watchNamedFile(path: string, onChange: () => void): () => void {
  const name = basename(path);
  const own = dirname(resolve(path));
  let target = realPath(path) ?? resolve(path);
  const followsLink = target !== resolve(path);
  const onFolderChange = (changed: string | null) => {
    // null: the folder itself was replaced, so anything in it may have changed.
    if (!followsLink && changed !== null && changed !== name) return;
    if (followsLink) followTarget();
    onChange();
  };
  const stopOwn = watchFolder(own, onFolderChange);
  let stopTarget = dirname(target) === own ? undefined : watchFolder(dirname(target), onFolderChange);
  // The link may now lead to another folder: watch that one instead of the old. While it leads nowhere (its target
  // removed to be written again), the old one stays watched.
  const followTarget = () => {
    const now = realPath(path);
    if (now === undefined || dirname(now) === dirname(target)) return;
    target = now;
    stopTarget?.();
    stopTarget = dirname(now) === own ? undefined : watchFolder(dirname(now), onFolderChange);
  };
  return () => {
    stopOwn();
    stopTarget?.();
  };
}
