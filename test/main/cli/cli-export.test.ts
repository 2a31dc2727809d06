// `npm run gateway -- export` as a real child process of the bundled CLI: the --namespace rule it shares with plan,
// push and prune, and secret values from --secrets and $GATEHOUSE_SECRETS as plan reads them. No cluster is needed:
// export makes no request, and a bad flag is refused before anything is read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
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

describe('export --with-secret-values --secrets FILE: values read as plan reads them', { timeout: 60_000 }, () => {
  const FILE_PASSWORD = 'from-the-file-Pa55';
  const ENV_PASSWORD = 'from-the-environment-Pa55';
  const ENV_LOGIN = 'alex-environment-Pa55';
  const b64 = (value: string) => Buffer.from(value).toString('base64');

  async function secretsWorkspace(): Promise<string> {
    const file = join(dir, 'secrets-workspace.json');
    await writeFile(file, JSON.stringify({
      services: [{ name: 'orders', upstream: { url: 'https://orders.example.com/api' }, endpointSecurity: { type: 'basic', secret: 'orders-backend' } }],
      consumers: [{ username: 'alex', basicAuth: { password: { secret: 'alex-login', key: 'password' } } }],
    }));
    return file;
  }

  async function secretsFile(value: object, name: string): Promise<string> {
    const file = join(dir, name);
    await writeFile(file, JSON.stringify(value), { mode: 0o600 });
    return file;
  }

  it('takes --secrets before $GATEHOUSE_SECRETS, the environment for what the file lacks, and prints no value', async () => {
    const workspace = await secretsWorkspace();
    const file = await secretsFile({ 'orders-backend': { username: 'svc-orders', password: FILE_PASSWORD } }, 'export-secrets.json');
    const env = { GATEHOUSE_SECRETS: JSON.stringify({ 'orders-backend': { username: 'svc-env', password: ENV_PASSWORD }, 'alex-login': { password: ENV_LOGIN } }) };
    const out = join(dir, 'with-values.yaml');
    const run = await cli(['export', '--workspace', workspace, '--with-secret-values', '--secrets', file, '-o', out], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`wrote ${out} (with secret values: keep it private)`);
    const secrets = parseAllDocuments(await readFile(out, 'utf8')).map((d) => d.toJS() as { kind: string; metadata: { name: string }; data?: Record<string, string> }).filter((o) => o.kind === 'Secret');
    expect(Object.fromEntries(secrets.map((s) => [s.metadata.name, s.data]))).toEqual({
      'orders-backend': { username: b64('svc-orders'), password: b64(FILE_PASSWORD) },
      'gatehouse-consumer-alex': { username: b64('alex'), password: b64(ENV_LOGIN) },
    });
    for (const value of [FILE_PASSWORD, ENV_PASSWORD, ENV_LOGIN]) expect(run.stdout + run.stderr).not.toContain(value);
  });

  it('a secret no source holds: exit 1 naming it and the places looked in, nothing written', async () => {
    const workspace = join(dir, 'absent-secret-workspace.json');
    await writeFile(workspace, JSON.stringify({ services: [{ name: 'orders', upstream: { url: 'https://orders.example.com' }, endpointSecurity: { type: 'basic', secret: 'cli-export-absent-4e1d' } }] }));
    const file = await secretsFile({}, 'empty-secrets.json');
    const out = join(dir, 'not-written.yaml');
    const run = await cli(['export', '--workspace', workspace, '--with-secret-values', '--secrets', file, '-o', out]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`no value for secret "cli-export-absent-4e1d" key "username", secret "cli-export-absent-4e1d" key "password" (looked in: secrets file ${file}`);
    expect(existsSync(out)).toBe(false);
  });

  it('without --with-secret-values the file is not read, and that is said; the Secrets are left out', async () => {
    const workspace = await secretsWorkspace();
    const run = await cli(['export', '--workspace', workspace, '--secrets', join(dir, 'no-such-secrets.json')]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`note: ${join(dir, 'no-such-secrets.json')} not read: secret values are exported only with --with-secret-values`);
    expect(run.stdout).not.toMatch(/^kind: Secret$/m);
    expect(run.stdout).toContain('#   kubectl create secret generic orders-backend');
  });
});

describe('export names what it leaves out, and says when there is nothing to export', { timeout: 60_000 }, () => {
  const URL_SERVICE = 'not applicable: no backend credentials and its upstream is outside the cluster: nothing for the cluster to hold';
  const URL_ROUTE = 'not applicable: an APISIX route goes to a Service in the cluster; service "plain" calls a URL';

  it('a workspace no item of which becomes an object: exit 1, each item named with why, nothing written', async () => {
    const workspace = join(dir, 'url-only.json');
    await writeFile(workspace, JSON.stringify({
      services: [{ name: 'plain', upstream: { url: 'https://plain.example.com' } }],
      routes: [{ name: 'r1', service: 'plain', path: '/p' }],
    }));
    const out = join(dir, 'url-only.yaml');
    await writeFile(out, 'an earlier export\n');
    for (const args of [[], ['-o', out]]) {
      const run = await cli(['export', '--workspace', workspace, ...args]);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr.split('\n')).toEqual([
        `export: nothing to export: no item of ${workspace} becomes a cluster object; nothing written`,
        `  service plain  ${URL_SERVICE}`,
        `  route r1       ${URL_ROUTE}`,
        '',
      ]);
    }
    expect(await readFile(out, 'utf8')).toBe('an earlier export\n');
  });

  it('an empty workspace: exit 1, nothing to export', async () => {
    const workspace = join(dir, 'empty.json');
    await writeFile(workspace, '{}');
    const run = await cli(['export', '--workspace', workspace]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`export: nothing to export: ${workspace} has no services, routes, consumers or Kyma applications; nothing written\n`);
  });

  it('a workspace exported in part: exit 0, and every item left out whole or in part named on stderr, in the words of plan', async () => {
    const workspace = join(dir, 'in-part.json');
    await writeFile(workspace, JSON.stringify({
      services: [
        { name: 'orders', upstream: { url: 'https://orders.example.com/api' }, endpointSecurity: { type: 'basic', secret: 'orders-backend' } },
        { name: 'plain', upstream: { url: 'https://plain.example.com' } },
      ],
      routes: [{ name: 'r1', service: 'plain', path: '/p' }],
      consumers: [
        { username: 'alex', id: 'c-1', basicAuth: { password: { secret: 'alex-login', key: 'password' } } },
        { username: 'guest' },
      ],
    }));
    const run = await cli(['export', '--workspace', workspace, '-n', 'team']);
    expect(run.code, run.stderr).toBe(0);
    expect(parseAllDocuments(run.stdout).map((d) => (d.toJS() as { kind: string }).kind)).toEqual(['Backend', 'ApisixConsumer']);
    expect(run.stderr.split('\n')).toEqual([
      'export: left out, whole or in part:',
      `  service plain   ${URL_SERVICE}`,
      `  route r1        ${URL_ROUTE}`,
      '  consumer alex   exported as ApisixConsumer team/alex, Secret team/gatehouse-consumer-alex; its id (X-Consumer-ID) is not pushed: an ApisixConsumer carries only credentials (spec.authParameter)',
      '  consumer guest  not applicable: no basic-auth credentials: nothing for an APISIX consumer to hold',
      '',
    ]);
  });
});
