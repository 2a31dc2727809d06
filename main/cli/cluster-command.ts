// `gatehouse plan|push|prune`: the app's cluster workflow for pipelines, through the app's own ClusterController
// (server-side dry run and diff, server-side apply as field manager gatehouse, prune by ownership label).
// Exit codes, as `kubectl diff`: plan 0 = nothing would change, 1 = something would; push and prune 1 = not
// everything was done; 2 = an error (bad arguments, no kubeconfig, a missing secret, an unreachable cluster).
import { basename, dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { splitShortOptionValues } from './short-option-values';
import { namespaceOptionProblem } from './namespace-option';
import type { Workspace } from '../../gateway/config/schema';
import type { SecretSource } from '../../gateway/secrets/secret-source';
import { GatehouseError, failureOf, type GatehouseFailure } from '../../gateway/errors/gatehouse-error';
import { WorkspaceStore } from '../services/workspace-store';
import { SessionVault } from '../services/vault';
import { ClusterController } from '../app/cluster-controller';
import { DEFAULT_WORKSPACE_LABEL, type PushItemResult } from '../services/cluster';
import { CLUSTER_LINES } from './command-usage';
import { defaultWorkspacePath } from './import-command';
import { keychainSources } from './keychain-sources';
import { secretReader } from './secret-reader';
import { planItemLines, planReport, pruneReport, pushItemLine, pushReport } from './cluster-report';

export type ClusterCommand = 'plan' | 'push' | 'prune';

export interface ClusterCommandIo {
  stdout: (text: string) => void;
  stderr: (line: string) => void;
  /** Progress lines (one per object, as it is done) go to a terminal only. */
  progress: boolean;
  /** Sources after --secrets and $GATEHOUSE_SECRETS: the OS keychain when there is one. */
  extraSecretSources: () => Promise<SecretSource[]>;
}

const processIo = (): ClusterCommandIo => ({
  stdout: (text) => process.stdout.write(text),
  stderr: (line) => process.stderr.write(`${line}\n`),
  progress: process.stderr.isTTY === true,
  extraSecretSources: keychainSources,
});

/** The workspace file cannot be used: reported with exit code 2, like every other error. */
class WorkspaceFileError extends GatehouseError {
  readonly code = 'GATEHOUSE_CLI_WORKSPACE';
  constructor(message: string, hint?: string) {
    super(message, hint ? { hint } : {});
    this.name = 'WorkspaceFileError';
  }
}

const OPTIONS = {
  workspace: { type: 'string', short: 'w' },
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  secrets: { type: 'string' },
  output: { type: 'string', short: 'o' },
  'force-conflicts': { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  help: { type: 'boolean', short: 'h' },
} as const;

const ONLY_FOR: Partial<Record<keyof typeof OPTIONS, ClusterCommand>> = { 'force-conflicts': 'push', yes: 'prune' };

async function loadWorkspace(file: string | undefined): Promise<{ path: string; workspace: Workspace }> {
  const path = resolve(file ?? defaultWorkspacePath());
  const loaded = await new WorkspaceStore(dirname(path), { fileName: basename(path) }).load();
  if (!loaded.ok) throw new WorkspaceFileError(loaded.error.message); // it names the file
  if (loaded.state === 'missing') throw new WorkspaceFileError(`${path}: no workspace there`, 'Give --workspace FILE, or import or save one first.');
  return { path, workspace: loaded.workspace };
}

function describeError(error: unknown): GatehouseFailure {
  if (error instanceof GatehouseError) return failureOf(error);
  // Not one of ours (a file that cannot be read, say): its message, which names the file.
  return { code: 'GATEHOUSE_CLI_ERROR', message: error instanceof Error ? error.message : String(error) };
}

export async function runClusterCommand(command: ClusterCommand, givenArgv: string[], io: ClusterCommandIo = processIo()): Promise<number> {
  const argv = splitShortOptionValues(givenArgv);
  let values: { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };
  try {
    values = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }).values;
    if (values.help) {
      io.stdout(`Usage:${CLUSTER_LINES}\n`);
      return 0;
    }
    for (const [option, only] of Object.entries(ONLY_FOR)) if (values[option as keyof typeof OPTIONS] !== undefined && only !== command) throw new Error(`--${option} applies to ${only} only`);
    if (values.output !== undefined && values.output !== 'json' && values.output !== 'table') throw new Error(`--output: expected json or table, got "${values.output}"`);
    const namespace = namespaceOptionProblem(values.namespace);
    if (namespace) throw new Error(namespace);
  } catch (error) {
    const message = `${command}: ${error instanceof Error ? error.message : String(error)}`;
    io.stderr(`${message}\nUsage:${CLUSTER_LINES}`);
    // A pipeline that asked for JSON reads the error as JSON too, as it does every other failure's.
    if (argv.some((arg, i) => arg === '--output=json' || arg === '-ojson' || ((arg === '--output' || arg === '-o') && argv[i + 1] === 'json'))) {
      io.stdout(`${JSON.stringify({ command, error: { code: 'GATEHOUSE_CLI_USAGE', message } }, null, 2)}\n`);
    }
    return 2;
  }
  const json = values.output === 'json';
  const emit = (value: object) => io.stdout(`${JSON.stringify({ command, ...value }, null, 2)}\n`);
  /** What a push has done so far, each object's result as it came. */
  let pushed: PushItemResult[] | undefined;

  try {
    const { workspace } = await loadWorkspace(values.workspace);
    // The CLI reads the kubeconfig as kubectl does; the file and context the app remembers for the workspace
    // belong to one desktop, not to a pipeline.
    const files = values.kubeconfig ? [resolve(values.kubeconfig)] : undefined;
    const secrets = command === 'prune' ? undefined : await secretReader(values.secrets, io.extraSecretSources);
    const controller = new ClusterController({
      workspace: () => workspace,
      vault: () => new SessionVault(),
      ...(secrets ? { secrets } : {}),
      kubeconfigFiles: () => files,
      loginShell: false,
    });
    // No request yet: the first one comes after every secret value has been read.
    await controller.connect({ context: values.context, namespace: values.namespace, test: false });
    const target = controller.target()!;
    io.stderr(`${command}: context ${target.context} (${target.server}), namespace ${target.namespace}`);

    if (command === 'plan') {
      const plan = await controller.plan(io.progress ? (item) => io.stderr(planItemLines(item)[0]!) : undefined);
      const refused = plan.items.some((i) => i.action === 'invalid');
      const exitCode = refused ? 2 : plan.upToDate ? 0 : 1;
      if (json) emit({ ...target, upToDate: plan.upToDate, exitCode, items: plan.items, workspaceItems: plan.workspaceItems });
      else io.stdout(`${planReport(plan)}\n`);
      return exitCode;
    }

    if (command === 'push') {
      // Kept as they come: a push that stops (the token expires, the cluster goes away) still says what it did.
      pushed = [];
      const done = pushed;
      const report = await controller.push(values['force-conflicts'] ? true : undefined, (item) => {
        done.push(item);
        if (io.progress) io.stderr(pushItemLine(item));
      });
      if (json) emit({ ...target, ok: report.ok, counts: report.counts, items: report.items, workspaceItems: report.workspaceItems });
      else io.stdout(`${pushReport(report)}\n`);
      return report.ok ? 0 : 1;
    }

    const candidates = await controller.pruneCandidates();
    // With --yes every candidate gets its result, none included: a pipeline reads `results` whatever there was.
    const results = !values.yes ? undefined : candidates.length > 0 ? await controller.prune(candidates, true) : [];
    const workspaceLabel = workspace.cluster?.label ?? DEFAULT_WORKSPACE_LABEL;
    if (json) emit({ ...target, workspaceLabel, deleted: results !== undefined && results.length > 0, candidates, ...(results ? { results } : {}) });
    else io.stdout(`${pruneReport(candidates, results, workspaceLabel)}\n`);
    if (!results) return candidates.length > 0 ? 1 : 0;
    return results.some((r) => r.outcome === 'failed') ? 1 : 0;
  } catch (error) {
    const failure = describeError(error);
    const partial = pushed && pushed.length > 0 ? pushed : undefined;
    if (partial && !json) io.stdout(`The push stopped after these:\n${partial.map(pushItemLine).join('\n')}\n`);
    io.stderr(`${command}: ${failure.message}${failure.hint ? `\n  ${failure.hint}` : ''}`);
    if (json) emit({ error: failure, ...(partial ? { items: partial } : {}) });
    return 2;
  }
}
