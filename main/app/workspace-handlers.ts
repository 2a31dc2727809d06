// workspace:* — the saved workspace: read, save, restore the backup, export and import as a file.
import { UserFacingError } from '../ipc/dispatcher';
import { toFieldErrors } from '../../gateway/config/validate';
import { SaveOnRevision } from '../ipc/contract';
import { WorkspaceChangedOutsideError, exportEncryptedBundle, exportWorkspace, importWorkspace, readReferencedSecrets } from '../services/workspace-store';
import { adoptWorkspace, applyAsSaveResult, saveWorkspace, takeUpRefused, workspaceFileState, type AppContext, type DomainHandlers } from './app-context';
import { saveImport } from './save-import';

export function workspaceHandlers(ctx: AppContext): DomainHandlers<'workspace'> {
  return {
    'workspace:get': async () => ({ workspace: ctx.workspace, revision: ctx.revision, path: ctx.store.filePath, ...(await workspaceFileState(ctx)) }),
    'workspace:save': (input) => {
      const onRevision = SaveOnRevision.safeParse(input);
      if (onRevision.success) return saveWorkspace(ctx, onRevision.data.workspace, onRevision.data.basedOn, onRevision.data.secrets);
      // A save that names its revision is never taken for a bare workspace: its own request is at fault.
      if (typeof input === 'object' && input !== null && 'basedOn' in input) throw new UserFacingError('GATEHOUSE_INVALID_REQUEST', 'invalid request on workspace:save', toFieldErrors(onRevision.error, input).map((e) => ({ ...e, path: `request.${e.path}` })));
      return saveWorkspace(ctx, input);
    },
    'workspace:restore-backup': async () => {
      // A readable version another program wrote since the banner offered the backup (the user mended the file) is
      // not written over: it is taken up instead.
      const restored = await ctx.store.restoreBackup().catch(async (error: unknown) => {
        throw error instanceof WorkspaceChangedOutsideError ? await takeUpRefused(ctx, error, 'nothing was restored.') : error;
      });
      await adoptWorkspace(ctx, restored);
      return applyAsSaveResult(ctx);
    },
    'workspace:export': async ({ passphrase }) => {
      if (!passphrase) return { text: exportWorkspace(ctx.workspace), encrypted: false };
      const { secrets, missing } = await readReferencedSecrets(ctx.workspace, ctx.vault);
      if (missing.length > 0) throw new UserFacingError('GATEHOUSE_MISSING_SECRET', `cannot include secrets the vault does not hold: ${missing.map((m) => m.name).join(', ')}`);
      return { text: await exportEncryptedBundle(ctx.workspace, secrets, passphrase), encrypted: true };
    },
    'workspace:import': async ({ text, passphrase }) => {
      const basedOn = ctx.revision;
      const imported = await importWorkspace(text, { passphrase, source: 'imported workspace' });
      return saveImport(ctx, imported.workspace, basedOn, imported.secrets);
    },
  };
}
