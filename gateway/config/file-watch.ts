// Which changes concern one named file (the headless gateway's --config and --secrets alike): the one rule for
// following a file through replace-by-rename and through symbolic links, on top of folder-watch.ts.
import { realpathSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { watchFolder } from './folder-watch';

/** Where a path leads once its links are followed; the path itself while it does not exist. */
function realPathOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/**
 * Calls `onChange` on every change that may concern the file at `path`, until the returned function is called.
 * Watches the folder, not the file: editors and the app's store replace the file by renaming over it. A file that is
 * a symbolic link is followed: its target's folder is watched too, and any change in the link's own folder is looked
 * at (a Kubernetes ConfigMap or Secret volume swaps a `..data` link beside the file and never touches the file's
 * name). Whether the file's bytes changed is the caller's to tell.
 */
export function watchNamedFile(path: string, onChange: () => void): () => void {
  const name = basename(path);
  const target = realPathOrSelf(path);
  const followsLink = target !== resolve(path);
  const stops = [...new Set([dirname(resolve(path)), dirname(target)])].map((folder) =>
    watchFolder(folder, (changed) => {
      // null: the folder itself was replaced, so anything in it may have changed.
      if (!followsLink && changed !== null && changed !== name) return;
      onChange();
    }),
  );
  return () => {
    for (const stop of stops) stop();
  };
}
