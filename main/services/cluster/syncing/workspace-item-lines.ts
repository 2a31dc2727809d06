// What becomes of each workspace item, in words, one line per item: plan's and push's workspace section, and what an
// export leaves out. Written once here, below both the CLI's reports and the app's IPC handlers, so the app's Export
// says what the CLI's says in the same words.
import type { WorkspaceItemPlan } from './cluster-preview';

/**
 * One line per item, its name in a column: "service orders  pushed as Backend team/orders; why", "route r1  not
 * applicable: why". `done`: the word for an item whose objects go (plan and push: pushed; export: exported).
 */
export function workspaceItemLines(items: readonly WorkspaceItemPlan[], done: string): string[] {
  if (items.length === 0) return [];
  const name = (i: WorkspaceItemPlan) => `${i.kind} ${i.name}`;
  const width = Math.max(...items.map((i) => name(i).length)) + 2;
  return items.map((i) => {
    const what = i.status === 'pushed' ? `${done} as ${i.objects.map((o) => `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`).join(', ')}` : `${i.status === 'skipped' ? 'skipped' : 'not applicable'}`;
    return `  ${name(i).padEnd(width)}${what}${i.reason ? `${i.status === 'pushed' ? '; ' : ': '}${i.reason}` : ''}`;
  });
}

/**
 * The items an export leaves out, whole (not applicable, skipped) or in part (exported, with what is not: a sandbox
 * endpoint, a consumer's id), in the plan's words; none when every item is exported whole.
 */
export function leftOutLines(items: readonly WorkspaceItemPlan[]): string[] {
  return workspaceItemLines(items.filter((i) => i.status !== 'pushed' || i.reason !== undefined), 'exported');
}

/**
 * Why an export that holds no object has nothing to export (a file of comments only, which `kubectl apply -f`
 * refuses): `workspace` names the workspace ("./ws.json" for the CLI, "the workspace" for the app).
 */
export function nothingToExportReason(items: readonly WorkspaceItemPlan[], workspace: string): string {
  return items.length === 0 ? `${workspace} has no services, routes, consumers or Kyma applications` : `no item of ${workspace} becomes a cluster object`;
}
