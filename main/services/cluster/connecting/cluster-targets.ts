// Which push targets the cluster can take: Kyma Applications, WSO2 APK Backends, APISIX consumers and routes.
import type { ClusterConnection } from './cluster-connection';

export interface ClusterTargets {
  kymaApplications: boolean;
  apkBackends: boolean;
  apisix: boolean;
  /** Of a target not served, the kinds discovery did not find (`kind` in `groupVersion`): what to name as missing. */
  missing?: Partial<Record<TargetName, { groupVersion: string; kind: string }[]>>;
}

export type TargetName = 'kymaApplications' | 'apkBackends' | 'apisix';

export const TARGET_KINDS = {
  kymaApplications: [{ groupVersion: 'applicationconnector.kyma-project.io/v1alpha1', kind: 'Application' }],
  apkBackends: [{ groupVersion: 'dp.wso2.com/v1alpha2', kind: 'Backend' }],
  apisix: [
    { groupVersion: 'apisix.apache.org/v2', kind: 'ApisixConsumer' },
    { groupVersion: 'apisix.apache.org/v2', kind: 'ApisixRoute' },
  ],
} as const;

/** Discovery (/apis, then /apis/<group>/<version>): a target counts when every kind it needs is served. */
export async function detectTargets(connection: ClusterConnection): Promise<ClusterTargets> {
  const groups = await connection.call('Listing the API groups', () => connection.apis.getAPIVersions());
  const served = new Set(groups.groups.flatMap((g) => g.versions.map((v) => v.groupVersion)));
  const kindsByGroupVersion = new Map<string, Set<string>>();
  const needed = new Set(Object.values(TARGET_KINDS).flatMap((kinds) => kinds.map((k) => k.groupVersion)));
  for (const groupVersion of needed) {
    if (!served.has(groupVersion)) continue;
    const [group, version] = groupVersion.split('/') as [string, string];
    const list = await connection.call(`Listing the resources of ${groupVersion}`, () => connection.customObjects.getAPIResources({ group, version }));
    kindsByGroupVersion.set(groupVersion, new Set(list.resources.map((r) => r.kind)));
  }
  const missing: NonNullable<ClusterTargets['missing']> = {};
  for (const [target, kinds] of Object.entries(TARGET_KINDS) as [TargetName, readonly { groupVersion: string; kind: string }[]][]) {
    const absent = kinds.filter((k) => kindsByGroupVersion.get(k.groupVersion)?.has(k.kind) !== true);
    if (absent.length) missing[target] = absent.map((k) => ({ ...k }));
  }
  // A target counts only when every kind it needs is served: APISIX's routes name its consumers.
  return { kymaApplications: !missing.kymaApplications, apkBackends: !missing.apkBackends, apisix: !missing.apisix, missing };
}
