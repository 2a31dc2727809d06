// Exec credential plugins as small shell scripts, for tests that have them run as kubectl runs them: real files,
// real processes.
import { chmod, writeFile } from 'node:fs/promises';

/**
 * A plugin printing an ExecCredential with the token its LOGIN_TOKEN variable holds (set by the kubeconfig's
 * `exec.env`); `before` is shell run first.
 */
export async function writeTokenPlugin(file: string, before = ''): Promise<string> {
  await writeFile(file, `#!/bin/sh\n${before}printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' "$LOGIN_TOKEN"\n`);
  await chmod(file, 0o755);
  return file;
}
