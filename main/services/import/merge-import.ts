import { validateWorkspace, type FieldError } from '../../../gateway/config/validate';
import type { Workspace, WorkspaceInput } from '../../../gateway/config/schema';
import type { ImportResult } from './import-result';
import { checkImportedBasicCredentials } from './imported-basic-credentials';

/**
 * Adds imported objects to a workspace; same-named ones are replaced (and said so). Validates the result, and
 * throws ImportError when it would send an imported Secret's values as Basic credentials no client can send.
 */
export function mergeImport(workspace: Workspace | WorkspaceInput, imported: ImportResult): { ok: true; workspace: Workspace; notes: string[] } | { ok: false; errors: FieldError[] } {
  const notes = [...imported.notes];
  const replace = <T>(current: readonly T[] | undefined, incoming: readonly T[], key: (item: T) => string, label: string): T[] => {
    const keys = new Set(incoming.map(key));
    for (const item of current ?? []) if (keys.has(key(item))) notes.push(`${label} "${key(item)}" was replaced by the imported one`);
    return [...(current ?? []).filter((item) => !keys.has(key(item))), ...incoming];
  };
  const merged = {
    ...workspace,
    services: replace(workspace.services as never[], imported.services as never[], (s: { name: string }) => s.name, 'service'),
    routes: replace(workspace.routes as never[], imported.routes as never[], (r: { name: string }) => r.name, 'route'),
    consumers: replace(workspace.consumers as never[], imported.consumers as never[], (c: { username: string }) => c.username, 'consumer'),
    applications: replace(workspace.applications as never[], imported.applications as never[], (a: { name: string }) => a.name, 'application'),
  };
  const validated = validateWorkspace(merged);
  if (!validated.ok) return validated;
  checkImportedBasicCredentials(validated.value, imported.secrets);
  return { ok: true, workspace: validated.value, notes };
}
