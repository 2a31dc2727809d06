// The app's workspace file, watched for changes other programs make (an editor, `gatehouse import`): the headless
// gateway's rule for its --config (gateway/config/file-watch.ts: the folder across renames, a symbolic link followed
// to wherever it points) and its quiet period, so both take up an edit alike.
import { watchNamedFile } from '../../gateway/config/file-watch';
import { CONFIG_QUIET_MS } from '../../gateway/config/folder-watch';

/** Calls `onChange` once the file has gone `quietMs` without a change; returns the function that stops watching. */
export function watchWorkspaceFile(path: string, onChange: () => void, quietMs = CONFIG_QUIET_MS): () => void {
  let timer: NodeJS.Timeout | undefined;
  // The caller tells whether the bytes changed (the store's revision): a change beside a link is only a maybe.
  const stop = watchNamedFile(path, () => {
    clearTimeout(timer);
    timer = setTimeout(onChange, quietMs);
  });
  return () => {
    clearTimeout(timer);
    stop();
  };
}
