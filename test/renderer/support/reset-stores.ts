// zustand stores are module singletons: each component test starts from their initial state.
import { useClusterStore } from '../../../renderer/src/state/cluster-store';
import { useConfirmStore } from '../../../renderer/src/state/confirm-store';
import { useImportStore } from '../../../renderer/src/state/import-store';
import { useNavigationStore } from '../../../renderer/src/state/navigation-store';
import { useSecretsStore } from '../../../renderer/src/state/secrets-store';
import { useStatusStore } from '../../../renderer/src/state/status-store';
import { useTryItStore } from '../../../renderer/src/state/tryit-store';
import { useWorkspaceStore } from '../../../renderer/src/state/workspace-store';

export function resetStores(): void {
  for (const store of [useClusterStore, useConfirmStore, useImportStore, useNavigationStore, useSecretsStore, useStatusStore, useTryItStore, useWorkspaceStore] as const) {
    (store as { setState: (s: unknown, replace: true) => void; getInitialState: () => unknown }).setState(store.getInitialState(), true);
  }
}
