// The Cluster screen's state, kept while the user visits other screens: the kubeconfig's contexts (or why it
// could not be read), the connection and its test, the last preview, push, prune and export. The connection
// itself lives in main; this remembers what the screen showed of it.
import { create } from 'zustand';
import type { ClusterConnectionReport, ClusterContexts, ClusterExport, ClusterObjectRef, ClusterPlan, ClusterPruneCandidate, ClusterPushReport } from '../../../main/ipc/contract';
import { gatehouse } from '../api/gatehouse-api';
import { toFailure } from '../api/ipc-error';
import { channels } from '../../../main/ipc/contract';
import { validateWith, type FieldError } from '../../../gateway/config/validate';

export type ClusterBusy = 'contexts' | 'choose' | 'connect' | 'plan' | 'push' | 'prune' | 'export' | 'import';

export interface ClusterState {
  contexts: ClusterContexts | undefined;
  context: string;
  namespace: string;
  report: ClusterConnectionReport | undefined;
  plan: ClusterPlan | undefined;
  push: ClusterPushReport | undefined;
  candidates: ClusterPruneCandidate[] | undefined;
  pruned: { label: string; outcome: string; message?: string }[] | undefined;
  /**
   * The last export as main answered it (its YAML, or why there is nothing to export, and what it left out), and
   * whether it was asked with secret values (then it goes when the box is unticked).
   */
  exported: (ClusterExport & { withValues: boolean }) | undefined;
  withSecrets: boolean;
  appName: string;
  appNamespace: string;
  busy: ClusterBusy | undefined;
  /** The last failure, its hint included (see toFailure). */
  error: string | undefined;
  /**
   * What the Connection or Import fields hold that main would refuse, by the request's field (`namespace`, `name`,
   * `secretNamespace`): checked with the channel's own schema before anything is sent, and shown on the field.
   */
  fieldErrors: readonly FieldError[];
  notice: string | undefined;
  set(patch: Partial<Pick<ClusterState, 'appName' | 'appNamespace'>>): void;
  /** Unticked, an export shown with secret values goes: the box is what the user sees as the YAML's content. */
  includeSecretValues(include: boolean): void;
  /**
   * Another context or namespace on screen: the connection, preview, push and prune shown were for the one
   * before, and so is main's connection, which Preview, Push and Prune would go to; both are dropped.
   */
  chooseTarget(patch: Partial<Pick<ClusterState, 'context' | 'namespace'>>): void;
  /** Reads the kubeconfig again (Retry), keeping the chosen context when it is still there. */
  loadContexts(): Promise<void>;
  chooseKubeconfig(): Promise<void>;
  useDefaultKubeconfig(): Promise<void>;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  preview(): Promise<void>;
  pushObjects(force?: true | ClusterObjectRef[]): Promise<void>;
  listPrune(): Promise<void>;
  prune(): Promise<void>;
  exportYaml(): Promise<void>;
  /** Resolves true when the Application was imported (the caller reloads the workspace and secrets). */
  importApplication(): Promise<boolean>;
}

/**
 * The context to show after reading the kubeconfig: the one on screen while it is still there (undefined: keep
 * it), else the workspace's last connection, the kubeconfig's current context, the first; none when empty.
 */
function pickContext(listed: ClusterContexts, current: string): { context: string; namespace: string } | undefined {
  if (current && listed.contexts.some((c) => c.name === current)) return undefined;
  const chosen = listed.contexts.find((c) => c.name === listed.remembered?.context) ?? listed.contexts.find((c) => c.name === listed.currentContext) ?? listed.contexts[0];
  if (!chosen) return { context: '', namespace: '' };
  return { context: chosen.name, namespace: chosen.name === listed.remembered?.context ? (listed.remembered.namespace ?? chosen.namespace) : chosen.namespace };
}

const disconnected = { report: undefined, plan: undefined, push: undefined, candidates: undefined, pruned: undefined };

export const useClusterStore = create<ClusterState>((set, get) => {
  async function run<T>(what: ClusterBusy, action: () => Promise<T>): Promise<T | undefined> {
    set({ busy: what, error: undefined, notice: undefined, fieldErrors: [] });
    try {
      return await action();
    } catch (e) {
      set({ error: toFailure(e).message });
      return undefined;
    } finally {
      set({ busy: undefined });
    }
  }

  /** Whether main would take the request; if not, its problems go to the fields (main said "invalid request on …"). */
  function checked(channel: 'cluster:connect' | 'cluster:import-application', request: unknown): boolean {
    const check = validateWith(channels[channel].request, request);
    if (!check.ok) set({ fieldErrors: check.errors });
    return check.ok;
  }

  async function readContexts(): Promise<void> {
    const listed = await gatehouse().invoke('cluster:contexts', undefined);
    set({ contexts: listed, ...pickContext(listed, get().context) });
  }

  return {
    contexts: undefined,
    context: '',
    namespace: '',
    ...disconnected,
    exported: undefined,
    withSecrets: false,
    appName: '',
    appNamespace: 'kyma-integration',
    busy: undefined,
    error: undefined,
    fieldErrors: [],
    notice: undefined,
    set: (patch) => set(patch),
    includeSecretValues: (include) => set((s) => ({ withSecrets: include, ...(!include && s.exported?.withValues ? { exported: undefined } : {}) })),
    chooseTarget: (patch) => {
      const { context, namespace, report } = get();
      const next = { context: patch.context ?? context, namespace: patch.namespace ?? namespace };
      if (next.context === context && next.namespace === namespace) return;
      set({ ...next, ...disconnected, error: undefined });
      // Not a busy action: the Namespace field stays usable while main lets go (each keystroke lands here).
      if (report) {
        gatehouse().invoke('cluster:disconnect', undefined).catch((e: unknown) => set({ error: toFailure(e).message }));
      }
    },
    loadContexts: async () => {
      await run('contexts', readContexts);
    },
    chooseKubeconfig: async () => {
      await run('choose', async () => {
        const chosen = await gatehouse().invoke('cluster:choose-kubeconfig', undefined);
        if (!chosen.path) return;
        // Main disconnected: the contexts are the new file's.
        set({ ...disconnected, context: '', namespace: '' });
        await readContexts();
      });
    },
    useDefaultKubeconfig: async () => {
      await run('choose', async () => {
        await gatehouse().invoke('cluster:use-default-kubeconfig', undefined);
        set({ ...disconnected, context: '', namespace: '' });
        await readContexts();
      });
    },
    connect: async () => {
      await run('connect', async () => {
        set({ plan: undefined, push: undefined });
        const { context, namespace } = get();
        const request: { context?: string; namespace?: string } = {};
        if (context) request.context = context;
        if (namespace.trim()) request.namespace = namespace.trim();
        if (!checked('cluster:connect', request)) return;
        set({ report: await gatehouse().invoke('cluster:connect', request) });
      });
    },
    disconnect: async () => {
      await run('connect', async () => {
        await gatehouse().invoke('cluster:disconnect', undefined);
        set({ ...disconnected });
      });
    },
    preview: async () => {
      await run('plan', async () => set({ plan: await gatehouse().invoke('cluster:plan', undefined) }));
    },
    pushObjects: async (force) => {
      await run('push', async () => {
        const result = await gatehouse().invoke('cluster:push', force ? { force } : {});
        set({ push: result, plan: undefined });
      });
    },
    listPrune: async () => {
      await run('prune', async () => set({ candidates: await gatehouse().invoke('cluster:prune-candidates', undefined), pruned: undefined }));
    },
    prune: async () => {
      const candidates = get().candidates;
      if (!candidates || candidates.length === 0) return;
      await run('prune', async () => set({ pruned: await gatehouse().invoke('cluster:prune', { candidates, confirm: true }), candidates: undefined }));
    },
    exportYaml: async () => {
      const withValues = get().withSecrets;
      await run('export', async () => {
        const exported = await gatehouse().invoke('cluster:export', { includeSecretValues: withValues });
        // Unticked while it was made: the values are no longer asked for.
        if (withValues && !get().withSecrets) return;
        set({ exported: { ...exported, withValues } });
      });
    },
    importApplication: async () => {
      const { appName, appNamespace } = get();
      const done = await run('import', async () => {
        const request = { name: appName.trim(), secretNamespace: appNamespace.trim() || 'kyma-integration' };
        if (!checked('cluster:import-application', request)) return false;
        const result = await gatehouse().invoke('cluster:import-application', request);
        if (!result.ok) throw new Error(result.errors.map((e) => `${e.path}: ${e.message}`).join('; '));
        return true;
      });
      if (done) set({ notice: `Application ${appName.trim()} imported into the workspace; its secrets are in the vault.` });
      return done === true;
    },
  };
});
