// The CLI's human-readable plan, push and prune reports: one line per object (its action or outcome, then why),
// its changed fields below it, then every workspace item, then the counts. Secret data appears as
// "value changed, hidden" and never with a value: the diff holds none (object-diff.ts).
import { DEFAULT_WORKSPACE_LABEL, WORKSPACE_LABEL, formatChanges, type ClusterPreview, type ClusterPushResult, type PlanItem, type PruneCandidate, type PruneResult, type PushItemResult, type WorkspaceItemPlan, workspaceItemLines } from '../services/cluster';

const ACTION_WORDS: Record<PlanItem['action'], string> = {
  create: 'create',
  update: 'update',
  unchanged: 'unchanged',
  conflict: 'conflict',
  invalid: 'invalid',
  unsupported: 'not served',
  skipped: 'skipped',
};

const OUTCOME_WORDS: Record<PushItemResult['outcome'], string> = {
  created: 'created',
  updated: 'updated',
  unchanged: 'unchanged',
  conflict: 'conflict',
  failed: 'failed',
  skipped: 'skipped',
  unsupported: 'not served',
};

const WIDTH = 11;
const column = (word: string) => word.padEnd(WIDTH);

function conflictLine(conflicts: readonly { manager: string; field: string }[] | undefined): string | undefined {
  if (!conflicts || conflicts.length === 0) return undefined;
  return `${conflicts.map((c) => `field manager ${c.manager} owns ${c.field}`).join(', ')}; push --force-conflicts takes them over`;
}

/** One object: "update     Application orders: why", with its changes indented below. */
export function planItemLines(item: PlanItem): string[] {
  const why = conflictLine(item.conflicts) ?? item.message;
  return [`${column(ACTION_WORDS[item.action])}${item.label}${why ? `: ${why}` : ''}`, ...formatChanges(item.changes).map((c) => `${' '.repeat(WIDTH + 2)}${c}`)];
}

export function pushItemLine(item: PushItemResult): string {
  const why = conflictLine(item.conflicts) ?? (item.message ? `${item.message}${item.status ? ` (HTTP ${item.status})` : ''}` : undefined);
  return `${column(OUTCOME_WORDS[item.outcome])}${item.label}${why ? `: ${why}` : ''}`;
}

function workspaceLines(items: readonly WorkspaceItemPlan[]): string[] {
  return items.length === 0 ? [] : ['', 'Workspace:', ...workspaceItemLines(items, 'pushed')];
}

function counted<T extends string>(values: readonly T[], words: Record<T, string>, order: readonly T[]): string {
  const parts = order.map((v) => [v, values.filter((x) => x === v).length] as const).filter(([, n]) => n > 0).map(([v, n]) => `${n} ${words[v]}`);
  return parts.join(', ') || 'nothing';
}

export function planReport(plan: ClusterPreview): string {
  const summary = counted(plan.items.map((i) => i.action), { create: 'to create', update: 'to update', unchanged: 'unchanged', conflict: 'in conflict', invalid: 'refused by the API server', skipped: 'kept back', unsupported: 'not served by this cluster' }, ['create', 'update', 'conflict', 'invalid', 'skipped', 'unchanged', 'unsupported']);
  return [
    ...plan.items.flatMap(planItemLines),
    ...workspaceLines(plan.workspaceItems),
    '',
    `Plan: ${summary}.${plan.upToDate ? ' The cluster is up to date.' : ''}`,
  ].join('\n');
}

export function pushReport(report: ClusterPushResult): string {
  const summary = counted(report.items.map((i) => i.outcome), OUTCOME_WORDS, ['created', 'updated', 'unchanged', 'conflict', 'failed', 'skipped', 'unsupported']);
  return [...report.items.map(pushItemLine), ...workspaceLines(report.workspaceItems), '', `Push: ${summary}.${report.ok ? '' : ' Not everything was pushed.'}`].join('\n');
}

/**
 * `workspaceLabel`: the label value prune selected by. Left at its default, it is every such workspace's: the list
 * may hold objects another workspace pushed, which is said.
 */
export function pruneReport(candidates: readonly PruneCandidate[], results: readonly PruneResult[] | undefined, workspaceLabel: string): string {
  if (candidates.length === 0) return 'Nothing to prune: every object this workspace pushed is still in it.';
  const shared = workspaceLabel === DEFAULT_WORKSPACE_LABEL
    ? ['', `${WORKSPACE_LABEL}=${workspaceLabel} is the label of every workspace that sets no cluster.label: objects another such workspace pushed to this cluster are listed too. Give each workspace its own cluster.label.`]
    : [];
  if (!results) return [`Objects labelled ${WORKSPACE_LABEL}=${workspaceLabel} that are gone from this workspace:`, ...candidates.map((c) => `  ${c.label}`), ...shared, '', `Prune: ${candidates.length} to delete. Run again with --yes to delete them.`].join('\n');
  const failed = results.filter((r) => r.outcome === 'failed').length;
  return [...results.map((r) => `${column(r.outcome)}${r.label}${r.message ? `: ${r.message}` : ''}`), '', `Prune: ${results.length - failed} deleted${failed ? `, ${failed} failed` : ''}.`].join('\n');
}
