// Reading a file the user named (--config, --secrets): a failure says which file and why in words, and a symbolic
// link whose target is gone says so (a Kubernetes ConfigMap volume swaps such links), rather than Node's
// "ENOENT: no such file or directory, open '…'".
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

export async function readNamedFile(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const target = fileErrorCode(error) === 'ENOENT' ? await readlink(path).catch(() => undefined) : undefined;
    const reason = target !== undefined ? `a symbolic link to ${target}, which does not exist` : (fileFailureCause(error) ?? String(error));
    throw new NamedFileError(path, reason, error);
  }
}
