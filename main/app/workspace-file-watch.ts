// The app's workspace file, watched for changes other programs make (an editor, `gatehouse import`): the same
// folder watch and quiet period as the headless gateway's --config, so both take up an edit alike.
import { basename, dirname } from 'node:path';
import { CONFIG_QUIET_MS, watchFolder } from '../../gateway/config/folder-watch';

/** Calls `onChange` once the file has gone `quietMs` without a change; returns the function that stops watching. */
export function watchWorkspaceFile(path: string, onChange: () => void, quietMs = CONFIG_QUIET_MS): () => void {
  const name = basename(path);
  let timer: NodeJS.Timeout | undefined;
  const stop = watchFolder(dirname(path), (changed) => {
    // null: the folder itself was replaced, so anything in it may have changed.
    if (changed !== null && changed !== name) return;
    clearTimeout(timer);
    timer = setTimeout(onChange, quietMs);
  });
  return () => {
    clearTimeout(timer);
    stop();
  };
}
