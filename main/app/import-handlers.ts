// import:* — pasted APK, Kyma, Secret and APISIX documents: a preview by name (refusing what the merge would refuse),
// then the merge into the workspace.
import type { DocumentImportPreview } from '../ipc/contract';
import { importDocuments } from '../services/import/import-documents';
import { mergeImport } from '../services/import/merge-import';
import type { ImportResult } from '../services/import/import-result';
import type { AppContext, DomainHandlers } from './app-context';
import { saveImport } from './save-import';

function previewImport(imported: ImportResult): DocumentImportPreview {
  return {
    services: imported.services.map((s) => s.name),
    routes: imported.routes.map((r) => r.name),
    consumers: imported.consumers.map((c) => c.username),
    applications: imported.applications.map((a) => a.name),
    secrets: imported.secrets.map((s) => ({ name: s.name, namespace: s.namespace, keys: Object.keys(s.data) })),
    notes: imported.notes,
  };
}

export function importHandlers(ctx: AppContext): DomainHandlers<'import'> {
  return {
    'import:preview': async (request) => {
      const imported = importDocuments(request.text, 'pasted document', request);
      // What Import would refuse, Preview refuses the same way: the merge into the workspace as it is now throws where
      // it would send an imported Secret's values as Basic credentials no client can send (imported-basic-credentials.ts),
      // and a merged workspace that does not validate comes with Import's field errors, so Import is not offered.
      const merged = mergeImport(ctx.workspace, imported);
      return merged.ok ? previewImport(imported) : { ...previewImport(imported), errors: merged.errors };
    },
    'import:apply': async (request) => {
      const imported = importDocuments(request.text, 'pasted document', request);
      // Merged into the workspace as it is now: the save names that revision, and stores the secrets with it.
      const basedOn = ctx.revision;
      const merged = mergeImport(ctx.workspace, imported);
      if (!merged.ok) return { ok: false, errors: merged.errors };
      const saved = await saveImport(ctx, merged.workspace, basedOn, imported.secrets);
      return saved.ok ? { ...saved, notes: merged.notes } : saved;
    },
  };
}
