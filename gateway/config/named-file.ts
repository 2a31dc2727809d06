// Reading a file the user named (--config, --secrets, a file a kubeconfig names): a failure says which file and
// why in words, and a symbolic link whose target is gone says so (a Kubernetes ConfigMap volume swaps such links),
// rather than Node's "ENOENT: no such file or directory, open '…'".
import { readFileSync, readlinkSync } from 'node:fs';
import { readFile, readlink } from 'node:fs/promises';
import { GatehouseError } from '../errors/gatehouse-error';
import { fileErrorCode, fileFailureCause } from '../errors/file-failure';

export class NamedFileError extends GatehouseError {
  readonly code = 'GATEHOUSE_FILE_UNREADABLE';
  constructor(
    readonly path: string,
    reason: string,
    cause: unknown,
  ) {
    super(`cannot read ${path}: ${reason}`, { cause });
    this.name = 'NamedFileError';
  }
}

/** The reason in words; `target` is the link's target when the path is a symbolic link to nothing. */
function namedFileError(path: string, error: unknown, target: string | undefined): NamedFileError {
  const reason = target !== undefined ? `a symbolic link to ${target}, which does not exist` : (fileFailureCause(error) ?? String(error));
  return new NamedFileError(path, reason, error);
}

export async function readNamedFile(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const target = fileErrorCode(error) === 'ENOENT' ? await readlink(path).catch(() => undefined) : undefined;
    throw namedFileError(path, error, target);
  }
}

/** readNamedFile for callers that cannot wait (the kubeconfig is read synchronously, as the app lists contexts). */
export function readNamedFileSync(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    let target: string | undefined;
    if (fileErrorCode(error) === 'ENOENT') {
      try {
        target = readlinkSync(path);
      } catch {
        target = undefined;
      }
    }
    throw namedFileError(path, error, target);
  }
}
