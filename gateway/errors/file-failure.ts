// What a failed file operation's errno means, in words a user acts on. Shared by every process that reads or
// writes the user's files (the workspace store, the kubeconfig reader), so one cause reads the same everywhere.

const CAUSES: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'the operation is not permitted',
  EISDIR: 'it is a folder',
  ENOTDIR: 'a part of the path is not a folder',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
  EMFILE: 'too many files are open',
  ENFILE: 'too many files are open',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the path is too long',
  EIO: 'an input/output error (the disk or its connection failed)',
  EBUSY: 'the file is in use by another program',
};

/** The errno code of a Node file error, if it has one. */
export function fileErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

/**
 * "the disk is full (ENOSPC)": the cause of a failed file operation, or undefined when `error` is not a file error.
 * The message of the error itself is not used: Node's names the syscall and path, not what to do.
 */
export function fileFailureCause(error: unknown): string | undefined {
  const code = fileErrorCode(error);
  if (!code) return undefined;
  return CAUSES[code] ? `${CAUSES[code]} (${code})` : code;
}
