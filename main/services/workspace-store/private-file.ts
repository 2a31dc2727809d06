// Files the user asked for that may hold secrets (an export with secret values, a HAR with credentials, a response
// body): readable by the user only. A new file is created so; an existing one the user picked keeps its place
// (a symlink is followed, as any editor's save does) but loses group and other access before a byte is written:
// `writeFile`'s mode applies only to a file it creates, and left a 0644 file holding the export's Secret values.
// The file is emptied only once it is private: refused, it keeps what it held.
import { constants } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import { GatehouseError } from '../../../gateway/errors/gatehouse-error';

const PRIVATE = 0o600;

export class PrivateFileError extends GatehouseError {
  readonly code = 'GATEHOUSE_FILE_NOT_PRIVATE';
  constructor(readonly path: string, readonly reason: string) {
    super(`could not make ${path} readable by you alone (${reason}), so nothing was written to it`, { hint: 'Choose a file of your own, or a new one.' });
    this.name = 'PrivateFileError';
  }
}

/** `open` is fs/promises' own; a test stands in a handle whose chmod fails, which root's never does. */
export async function writePrivateFile(path: string, data: string | Uint8Array, open: typeof openFile = openFile): Promise<void> {
  // Not 'w': O_TRUNC would empty a file this function then refuses to write.
  const handle = await open(path, constants.O_WRONLY | constants.O_CREAT, PRIVATE);
  try {
    const stat = await handle.stat();
    // A device or a pipe (/dev/stdout) is not ours to change; only a regular file keeps what is written.
    if (stat.isFile()) {
      if ((stat.mode & 0o077) !== 0) {
        await handle.chmod(PRIVATE).catch((error: NodeJS.ErrnoException) => {
          throw new PrivateFileError(path, error.code ?? 'error');
        });
      }
      await handle.truncate(0);
    }
    await handle.writeFile(data);
  } finally {
    await handle.close();
  }
}
