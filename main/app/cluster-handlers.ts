// cluster:* — the Cluster screen: connect, preview, push, prune, export, and import an Application.
import { applyToGateway, saveWorkspace, type AppContext, type DomainHandlers } from './app-context';
import { storeCheckedSecrets } from './secret-checks';

export function clusterHandlers(ctx: AppContext): DomainHandlers<'cluster'> {
  const { cluster } = ctx;
  return {
    'cluster:contexts': async () => ({ ...cluster.contexts(), ...(ctx.workspace.cluster ? { remembered: ctx.workspace.cluster } : {}) }),
    'cluster:connect': async ({ context, namespace }) => {
      const report = await cluster.connect(context, namespace);
      // Remembered per workspace, so the next session offers the same context and namespace.
      if (ctx.workspace.cluster?.context !== report.context || ctx.workspace.cluster?.namespace !== report.namespace) {
        const saved = await saveWorkspace(ctx, { ...ctx.workspace, cluster: { context: report.context, namespace: report.namespace } });
        if (saved.ok) return report;
      }
      await applyToGateway(ctx);
      return report;
    },
    'cluster:disconnect': async () => {
      cluster.disconnect();
      await applyToGateway(ctx);
      return { ok: true };
    },
    'cluster:plan': () => cluster.plan(),
    'cluster:push': ({ force }) => cluster.push(force),
    'cluster:prune-candidates': () => cluster.pruneCandidates(),
    'cluster:prune': ({ candidates, confirm }) => cluster.prune(candidates, confirm),
    'cluster:export': async ({ includeSecretValues }) => ({ yaml: await cluster.exportYaml(includeSecretValues) }),
    'cluster:import-application': async ({ name, secretNamespace }) => {
      const { application, secrets } = await cluster.importApplication(name, secretNamespace);
      // The cluster's Secrets are checked like any other before they reach the vault.
      await storeCheckedSecrets(ctx.vault, secrets);
      return saveWorkspace(ctx, { ...ctx.workspace, applications: [...ctx.workspace.applications.filter((a) => a.name !== application.name), application] });
    },
  };
}
