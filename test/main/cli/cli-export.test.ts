// `npm run gateway -- export` as a real child process of the bundled CLI: the --namespace rule it shares with plan,
// push and prune. No cluster is needed: export makes no request, and a bad flag is refused before anything is read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../support/spawn-cli';
import { bundleFolder, bundleGatewayCli } from '../../support/built-gateway';

let dir: string;
let cliBundle: string;
let workspaceFile: string;

interface Run { code: number | null; stdout: string; stderr: string }

async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  // No kubeconfig anywhere and no secrets from the environment: what a run reads is what its arguments name.
  const child = spawn(process.execPath, [cliBundle, ...args], { cwd: REPO_ROOT, env: { ...process.env, KUBECONFIG: join(dir, 'no-kubeconfig'), GATEHOUSE_SECRETS: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

beforeAll(async () => {
  cliBundle = await bundleGatewayCli(bundleFolder('cli-export'));
  dir = await mkdtemp(join(tmpdir(), 'gatehouse-cli-export-'));
  workspaceFile = join(dir, 'workspace.json');
  await writeFile(workspaceFile, JSON.stringify({
    services: [{ name: 'orders', upstream: { url: 'https://orders.example.com/api' }, endpointSecurity: { type: 'basic', secret: 'orders-backend' } }],
  }));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('--namespace: one rule for export, plan, push and prune', { timeout: 60_000 }, () => {
  const rule = 'is not a valid namespace name: at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit';

  it.each(['a.b', 'Bad_NS', 'team-', 'x'.repeat(64)])('export --namespace %s: exit 2 naming the flag, nothing exported', async (namespace) => {
    const run = await cli(['export', '--workspace', workspaceFile, '--namespace', namespace]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^export: --namespace, "${namespace}", ${rule.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\nUsage:\\n {2}npm run gateway -- export`));
    // The flag is at fault, not the workspace's names.
    expect(run.stderr).not.toContain('workspace.');
    expect(run.stdout).toBe('');
  });

  it('export with a namespace name, or an empty one (none, as kubectl -n ""): exit 0, the objects in that namespace or default', async () => {
    const given = await cli(['export', '--workspace', workspaceFile, '-n', 'team-a']);
    expect(given.code, given.stderr).toBe(0);
    expect(given.stdout).toContain('  namespace: team-a\n');
    for (const empty of [['--namespace', ''], ['--namespace='], ['-n', '']]) {
      const run = await cli(['export', '--workspace', workspaceFile, ...empty]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain('  namespace: default\n');
    }
  });

  it.each(['plan', 'push', 'prune'])('%s --namespace a.b: exit 2 naming the flag, before the kubeconfig is read, as JSON too', async (command) => {
    const text = await cli([command, '--workspace', workspaceFile, '--namespace', 'a.b']);
    expect(text.code).toBe(2);
    expect(text.stderr).toMatch(new RegExp(`^${command}: --namespace, "a\\.b", is not a valid namespace name`));
    expect(text.stderr).not.toContain('No kubeconfig found');
    const json = await cli([command, '--workspace', workspaceFile, '-n', 'Bad_NS', '-o', 'json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({ command, error: { code: 'GATEHOUSE_CLI_USAGE', message: `${command}: --namespace, "Bad_NS", ${rule}` } });
  });
});
