// The screens the sidebar offers, in order. A new screen (Import, say) is one entry here and one id in
// navigation-store's ScreenId.
import type { ComponentType } from 'react';
import type { ScreenId } from '../state/navigation-store';
import { ClusterScreen } from './ClusterScreen';
import { ConsumersScreen } from './ConsumersScreen';
import { ImportScreen } from './ImportScreen';
import { SecretsScreen } from './SecretsScreen';
import { ServicesScreen } from './ServicesScreen';
import { TrafficScreen } from './TrafficScreen';
import { TryItScreen } from './TryItScreen';

export interface ScreenDefinition {
  id: ScreenId;
  label: string;
  description: string;
  Component: ComponentType;
}

export const SCREENS: readonly ScreenDefinition[] = [
  { id: 'services', label: 'Services & routes', description: 'Upstreams, paths, basic auth', Component: ServicesScreen },
  { id: 'consumers', label: 'Consumers', description: 'Who may call, with passwords', Component: ConsumersScreen },
  { id: 'secrets', label: 'Secrets', description: 'Vault entries and their use', Component: SecretsScreen },
  { id: 'tryit', label: 'Try it', description: 'Send a request', Component: TryItScreen },
  { id: 'traffic', label: 'Traffic', description: 'Requests the gateway served', Component: TrafficScreen },
  { id: 'import', label: 'Import', description: 'APK, Kyma, APISIX documents', Component: ImportScreen },
  { id: 'cluster', label: 'Cluster', description: 'Preview and push to Kubernetes', Component: ClusterScreen },
];
