// `npm run gateway -- plan|push|prune` as a real child process against the fake Kubernetes API server (no real
// API server can run here): exit codes, per-object results, secret values never printed, conflicts, a failed
// Secret keeping back its Application, prune with and without --yes, JSON output, and the kubeconfig read as
// kubectl reads it (KUBECONFIG list, exec plugin).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { request } from 'node:https';
import { stringify } from 'yaml';
import { startFakeKubeApi, statuses, type FakeKubeApi } from '../../support/fake-kube-api/index';
import { REPO_ROOT } from '../../support/spawn-cli';
import { freePort } from '../../support/loopback-ports';
import { writeTokenPlugin } from '../../support/exec-plugins';
import { bundleFolder, bundleGatewayCli } from '../../support/built-gateway';
import { keychainGate, uniqueSecretPrefix } from '../../support/keychain';
import { KeytarVault } from '../../../main/services/vault';

const NS = 'team';
const FIRST_PASSWORD = 'orders-first-Pa55';
const SECOND_PASSWORD = 'orders-second-Pa55';
const ERP_PASSWORD = 'erp-Pa55-word';

let api: FakeKubeApi;
let adminToken: string;
let dir: string;
let kubeconfig: string;
let workspaceFile: string;
let cliBundle: string;

/**
 * The CLI bundled as `npm run gateway` runs it (the options build.mjs reads: client-node outside the bundle,
 * required only by these commands).
 */
function buildCli(): Promise<string> {
  return bundleGatewayCli(bundleFolder('cli'));
}

const workspace = (withApplication = true) => ({
  services: [{ name: 'orders', upstream: { url: 'https://orders.example.com:8443/api' }, endpointSecurity: { type: 'basic', secret: 'orders-backend' } }],
  consumers: [{ username: 'alex', basicAuth: { password: { secret: 'alex-login', key: 'password' } } }],
  applications: withApplication
    ? [{
        name: 'commerce', namespace: NS,
        services: [{ id: 'b1a6d0a4-6a31-4c4b-9c55-5f0e3c8f8d11', name: 'erp', displayName: 'ERP', description: 'ERP API', providerDisplayName: 'ACME', entries: [{ targetUrl: 'https://erp.example.com', credentials: { type: 'Basic', secretName: 'erp-basic' } }] }],
      }]
    : [],
});

const secrets = (ordersPassword = FIRST_PASSWORD, erpPassword = ERP_PASSWORD) => ({
  'orders-backend': { username: 'svc-orders', password: ordersPassword },
  'erp-basic': { username: 'svc-erp', password: erpPassword },
  'alex-login': { password: 'alex-Pa55' },
});

async function writeSecrets(value: object, name = 'secrets.json'): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, JSON.stringify(value), { mode: 0o600 });
  return file;
}

interface Run { code: number | null; stdout: string; stderr: string }

async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const child = spawn(process.execPath, [cliBundle, ...args], { cwd: REPO_ROOT, env: { ...process.env, KUBECONFIG: '', GATEHOUSE_SECRETS: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

/** A kubeconfig whose cluster `c` is the fake API server, with the users, contexts and current-context given. */
async function writeApiKubeconfig(file: string, entries: { 'current-context': string; users: object[]; contexts: object[] }): Promise<string> {
  const clusters = [{ name: 'c', cluster: { server: api.url, 'certificate-authority-data': Buffer.from(api.caPem).toString('base64') } }];
  await writeFile(file, stringify({ apiVersion: 'v1', kind: 'Config', clusters, ...entries }));
  return file;
}

/** A kubeconfig in the test folder with one context, `context`, of a cluster and a user written as given. */
async function writeOneContextKubeconfig(name: string, context: string, cluster: object, user: object): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': context,
    clusters: [{ name: 'c', cluster }],
    users: [{ name: 'u', user }],
    contexts: [{ name: context, context: { cluster: 'c', user: 'u' } }],
  }));
  return file;
}

const common = () => ['--workspace', workspaceFile, '--kubeconfig', kubeconfig];

/** The object lines of a human-readable report: [word, label]. */
function objectLines(stdout: string): [string, string][] {
  return stdout
    .split('\n')
    .filter((l) => /^(create|update|unchanged|conflict|invalid|not served|created|updated|failed|skipped|deleted|gone)\s/.test(l))
    .map((l) => {
      const m = /^(not served|\S+)\s+(\S+ \S+?)(:|$)/.exec(l)!;
      return [m[1]!, m[2]!];
    });
}

function patchAs(token: string, path: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${api.url}${path}`, { method: 'PATCH', ca: api.caPem, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/merge-patch+json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

beforeAll(async () => {
  cliBundle = await buildCli();
  // Kyma and APK are served; APISIX is not, so the consumer's objects are reported as not served.
  api = await startFakeKubeApi({ namespaces: ['default', NS], crds: ['kyma', 'apk'] });
  adminToken = api.addUser('admin');
  dir = await mkdtemp(join(tmpdir(), 'gatehouse-cli-cluster-'));
  kubeconfig = await api.writeKubeconfig({ credentials: { token: adminToken }, namespace: NS, context: 'ci' }, dir);
  workspaceFile = join(dir, 'workspace.json');
  await writeFile(workspaceFile, JSON.stringify(workspace()));
});

afterAll(async () => {
  await api?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('plan, push, prune from the command line', { timeout: 90_000 }, () => {
  it('refuses arguments it does not take with exit 2, before any request', async () => {
    const before = api.requests.length;
    const wrongCommand = await cli(['push', ...common(), '--yes']);
    expect(wrongCommand.code).toBe(2);
    expect(wrongCommand.stderr).toContain('push: --yes applies to prune only');
    const wrongOutput = await cli(['plan', ...common(), '--output', 'yaml']);
    expect(wrongOutput.code).toBe(2);
    expect(wrongOutput.stderr).toContain('--output: expected json or table, got "yaml"');
    // Its own usage, not import's; and with --output json, the error as JSON on stdout too.
    const unknown = await cli(['plan', ...common(), '--bogus', '--output', 'json']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^plan: Unknown option '--bogus'[^\n]*\nUsage:\n {2}npm run gateway -- plan\|push\|prune/);
    expect(unknown.stderr).not.toContain('-- import');
    expect(JSON.parse(unknown.stdout)).toEqual({ command: 'plan', error: { code: 'GATEHOUSE_CLI_USAGE', message: expect.stringMatching(/^plan: Unknown option '--bogus'/) } });
    expect(api.requests.length).toBe(before);
  });

  it('refuses a secret the workspace names and no source holds, naming it, before any request', async () => {
    const { 'erp-basic': _left, ...partial } = secrets();
    const before = api.requests.length;
    const run = await cli(['plan', ...common(), '--secrets', await writeSecrets(partial, 'partial.json')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('secret "erp-basic" key "username"');
    expect(run.stderr).toContain(`looked in: secrets file ${join(dir, 'partial.json')}`);
    expect(api.requests.length).toBe(before);
  });

  it('plans every object as create on an empty cluster (exit 1), pushes, and plans again as unchanged (exit 0)', async () => {
    const secretsFile = await writeSecrets(secrets());
    const plan = await cli(['plan', ...common(), '--secrets', secretsFile]);
    expect(plan.stderr).toContain(`plan: context ci (${api.url}), namespace ${NS}`);
    expect(plan.code, plan.stderr).toBe(1);
    expect(objectLines(plan.stdout)).toEqual([
      ['create', 'Secret team/erp-basic'],
      ['create', 'Secret team/orders-backend'],
      ['not served', 'Secret team/gatehouse-consumer-alex'],
      ['create', 'Application commerce'],
      ['create', 'Backend team/orders'],
      ['not served', 'ApisixConsumer team/alex'],
    ]);
    expect(plan.stdout).toContain('+ data.password (value hidden)');
    // Nested fields of a new Application, not a JSON blob.
    expect(plan.stdout).toContain('+ spec.services[0].entries[0].credentials.secretName: "erp-basic"');
    expect(plan.stdout).toMatch(/consumer alex\s+not applicable: this cluster does not serve APISIX consumers and routes/);
    expect(plan.stdout).toMatch(/service orders\s+pushed as Backend team\/orders, Secret team\/orders-backend/);
    expect(plan.stdout).toContain('Plan: 4 to create, 2 not served by this cluster.');
    expect(api.store.list(api.registry.find('', 'v1', 'secrets')!, NS)).toHaveLength(0);

    const push = await cli(['push', ...common(), '--secrets', secretsFile]);
    expect(push.code, push.stderr).toBe(0);
    expect(objectLines(push.stdout).filter(([word]) => word !== 'not served').map(([word]) => word)).toEqual(['created', 'created', 'created', 'created']);
    expect(push.stdout).toContain('Push: 4 created, 2 not served.');

    const again = await cli(['plan', ...common(), '--secrets', secretsFile, '--output', 'json']);
    expect(again.code, again.stderr).toBe(0);
    const parsed = JSON.parse(again.stdout) as { command: string; upToDate: boolean; exitCode: number; context: string; items: { label: string; action: string }[]; workspaceItems: { kind: string; name: string; status: string }[] };
    expect(parsed).toMatchObject({ command: 'plan', upToDate: true, exitCode: 0, context: 'ci', namespace: NS });
    expect(parsed.items.filter((i) => i.action !== 'unsupported').map((i) => i.action)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
    expect(parsed.workspaceItems.map((i) => [i.kind, i.name, i.status])).toEqual([
      ['service', 'orders', 'pushed'],
      ['consumer', 'alex', 'not-applicable'],
      ['application', 'commerce', 'pushed'],
    ]);
  });

  it('a changed secret value is a change (exit 1) shown as "changed, hidden", its value in no output', async () => {
    const file = await writeSecrets(secrets(SECOND_PASSWORD), 'rotated.json');
    const human = await cli(['plan', ...common(), '--secrets', file]);
    const json = await cli(['plan', ...common(), '--secrets', file, '-o', 'json']);
    expect(human.code).toBe(1);
    expect(json.code).toBe(1);
    expect(human.stdout).toMatch(/^update\s+Secret team\/orders-backend$/m);
    expect(human.stdout).toContain('~ data.password (value changed, hidden)');
    const item = (JSON.parse(json.stdout) as { items: { label: string; action: string; changes: unknown[] }[] }).items.find((i) => i.label === 'Secret team/orders-backend')!;
    expect(item).toMatchObject({ action: 'update', changes: [{ path: 'data.password', change: 'changed', hidden: true }] });
    const everything = [human.stdout, human.stderr, json.stdout, json.stderr].join('\n');
    for (const value of [FIRST_PASSWORD, SECOND_PASSWORD, ERP_PASSWORD]) {
      expect(everything).not.toContain(value);
      expect(everything).not.toContain(Buffer.from(value).toString('base64'));
    }
  });

  it('refuses to take over a field another manager owns, then takes it with --force-conflicts', async () => {
    const secretsFile = await writeSecrets(secrets());
    expect(await patchAs(adminToken, '/apis/applicationconnector.kyma-project.io/v1alpha1/applications/commerce?fieldManager=kubectl-edit', { spec: { description: 'edited by hand' } })).toBe(200);
    const plan = await cli(['plan', ...common(), '--secrets', secretsFile]);
    expect(plan.code).toBe(1);
    expect(plan.stdout).toMatch(/^conflict\s+Application commerce: field manager kubectl-edit owns \.spec\.description; push --force-conflicts takes them over$/m);

    const refused = await cli(['push', ...common(), '--secrets', secretsFile]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/^conflict\s+Application commerce: field manager kubectl-edit owns \.spec\.description/m);
    expect(refused.stdout).toContain('Not everything was pushed.');
    const apps = api.registry.find('applicationconnector.kyma-project.io', 'v1alpha1', 'applications')!;
    expect((api.store.get(apps, undefined, 'commerce')!.spec as { description: string }).description).toBe('edited by hand');

    const forced = await cli(['push', ...common(), '--secrets', secretsFile, '--force-conflicts']);
    expect(forced.code, forced.stdout).toBe(0);
    expect(forced.stdout).toMatch(/^updated\s+Application commerce$/m);
    expect((api.store.get(apps, undefined, 'commerce')!.spec as { description: string }).description).not.toBe('edited by hand');
  });

  it('plan shows a Secret the API server would refuse (exit 2) and the Application a push would keep back', async () => {
    const stop = api.intercept((req, path) =>
      req.method === 'PATCH' && path.endsWith('/secrets/erp-basic')
        ? statuses.invalid('Secret', '', 'erp-basic', [{ reason: 'FieldValueForbidden', field: 'data', message: 'Forbidden: denied by policy require-sealed-secrets' }])
        : undefined,
    );
    try {
      const run = await cli(['plan', ...common(), '--secrets', await writeSecrets(secrets())]);
      expect(run.code).toBe(2);
      expect(run.stdout).toMatch(/^invalid\s+Secret team\/erp-basic: Secret "erp-basic" is invalid: data: Forbidden: denied by policy require-sealed-secrets$/m);
      expect(run.stdout).toMatch(/^skipped\s+Application commerce: would not be pushed because Secret team\/erp-basic would be refused$/m);
      // The workspace section says so too (until 1 Dec it said "pushed", and only push's own said "skipped").
      const json = await cli(['plan', ...common(), '--secrets', await writeSecrets(secrets()), '-o', 'json']);
      const items = (JSON.parse(json.stdout) as { workspaceItems: { kind: string; name: string; status: string; reason?: string }[] }).workspaceItems;
      expect(items.find((i) => i.kind === 'application' && i.name === 'commerce')).toMatchObject({ status: 'skipped', reason: expect.stringContaining('would not be pushed: Secret team/erp-basic would be refused (Secret "erp-basic" is invalid') });
      expect(items.find((i) => i.kind === 'service' && i.name === 'orders')!.status).toBe('pushed');
    } finally {
      stop();
    }
  });

  it('a Secret the API server refuses fails (exit 1) and keeps back the Application that uses it', async () => {
    const stop = api.intercept((req, path) =>
      req.method === 'PATCH' && path.endsWith('/secrets/erp-basic') && !req.url!.includes('dryRun')
        ? statuses.invalid('Secret', '', 'erp-basic', [{ reason: 'FieldValueForbidden', field: 'data', message: 'Forbidden: denied by policy require-sealed-secrets' }])
        : undefined,
    );
    try {
      const run = await cli(['push', ...common(), '--secrets', await writeSecrets(secrets(FIRST_PASSWORD, 'erp-rotated-Pa55'), 'erp.json'), '-o', 'json']);
      expect(run.code).toBe(1);
      const report = JSON.parse(run.stdout) as { ok: boolean; items: { label: string; outcome: string; message?: string; status?: number }[] };
      expect(report.ok).toBe(false);
      expect(report.items.find((i) => i.label === 'Secret team/erp-basic')).toMatchObject({ outcome: 'failed', status: 422, message: 'Secret "erp-basic" is invalid: data: Forbidden: denied by policy require-sealed-secrets' });
      expect(report.items.find((i) => i.label === 'Application commerce')).toMatchObject({ outcome: 'skipped', message: 'not pushed because Secret team/erp-basic failed' });
      expect(report.items.find((i) => i.label === 'Backend team/orders')!.outcome).toBe('unchanged');
      // The workspace section says what happened, not what the plan expected.
      const items = (JSON.parse(run.stdout) as { workspaceItems: { kind: string; name: string; status: string; reason?: string }[] }).workspaceItems;
      expect(items.find((i) => i.kind === 'application' && i.name === 'commerce')).toMatchObject({ status: 'skipped', reason: expect.stringContaining('not pushed: Secret team/erp-basic failed') });
      expect(items.find((i) => i.kind === 'service' && i.name === 'orders')!.status).toBe('pushed');
      expect(run.stdout + run.stderr).not.toContain('erp-rotated-Pa55');
    } finally {
      stop();
    }
  });

  it('prune lists the objects gone from the workspace (exit 1) and deletes them only with --yes', async () => {
    await writeFile(workspaceFile, JSON.stringify(workspace(false)));
    const apps = api.registry.find('applicationconnector.kyma-project.io', 'v1alpha1', 'applications')!;
    const secretsType = api.registry.find('', 'v1', 'secrets')!;
    const listed = await cli(['prune', ...common()]);
    expect(listed.code, listed.stderr).toBe(1);
    expect(listed.stdout).toContain('  Application commerce\n');
    expect(listed.stdout).toContain('  Secret team/erp-basic\n');
    expect(listed.stdout).not.toContain('orders');
    expect(listed.stdout).toContain('Run again with --yes to delete them.');
    expect(api.store.get(apps, undefined, 'commerce')).toBeDefined();

    // RBAC that forbids deleting this Secret: the Application is still deleted, the Secret reported as failed.
    const forbid = api.intercept((req, path) =>
      req.method === 'DELETE' && path.endsWith('/secrets/erp-basic') ? statuses.forbidden('ci', 'delete', { group: '', resource: 'secrets', name: 'erp-basic' }, NS) : undefined,
    );
    try {
      const refused = await cli(['prune', ...common(), '--yes', '--output', 'json']);
      expect(refused.code, refused.stderr).toBe(1);
      const partial = JSON.parse(refused.stdout) as { results: { label: string; outcome: string; message?: string }[] };
      expect(partial.results.map((r) => [r.label, r.outcome])).toEqual([['Application commerce', 'deleted'], ['Secret team/erp-basic', 'failed']]);
      expect(partial.results[1]!.message).toMatch(/forbidden|not allowed|permission/i);
    } finally {
      forbid();
    }
    expect(api.store.get(apps, undefined, 'commerce')).toBeUndefined();
    await writeFile(workspaceFile, JSON.stringify(workspace(true)));
    expect((await cli(['push', ...common(), '--secrets', await writeSecrets(secrets())])).code).toBe(0);
    await writeFile(workspaceFile, JSON.stringify(workspace(false)));

    const deleted = await cli(['prune', ...common(), '--yes', '--output', 'json']);
    expect(deleted.code, deleted.stderr).toBe(0);
    const parsed = JSON.parse(deleted.stdout) as { deleted: boolean; results: { label: string; outcome: string }[] };
    expect(parsed.deleted).toBe(true);
    expect(parsed.results.map((r) => [r.label, r.outcome])).toEqual([
      ['Application commerce', 'deleted'],
      ['Secret team/erp-basic', 'deleted'],
    ]);
    expect(api.store.get(apps, undefined, 'commerce')).toBeUndefined();
    expect(api.store.get(secretsType, NS, 'erp-basic')).toBeUndefined();
    expect(api.store.get(secretsType, NS, 'orders-backend')).toBeDefined();

    const nothing = await cli(['prune', ...common()]);
    expect(nothing.code).toBe(0);
    expect(nothing.stdout).toContain('Nothing to prune');
    // A pipeline reads `results` with --yes even when there was nothing to delete (it was left out until 3 Dec).
    const nothingJson = await cli(['prune', ...common(), '--yes', '--output', 'json']);
    expect(nothingJson.code, nothingJson.stderr).toBe(0);
    expect(JSON.parse(nothingJson.stdout)).toMatchObject({ deleted: false, candidates: [], results: [] });
  });

  it('reads the kubeconfig as kubectl does: the KUBECONFIG list (a missing file skipped), --context, an exec plugin', async () => {
    const bin = await mkdtemp(join(dir, 'bin-'));
    await writeTokenPlugin(join(bin, 'kubectl-ci_login'));
    const execConfig = await writeApiKubeconfig(join(dir, 'exec.yaml'), {
      'current-context': 'elsewhere',
      users: [{ name: 'u', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'kubectl-ci_login', args: ['get-token'], env: [{ name: 'LOGIN_TOKEN', value: api.addUser('pipeline') }] } } }],
      contexts: [{ name: 'pipeline', context: { cluster: 'c', user: 'u', namespace: NS } }, { name: 'elsewhere', context: { cluster: 'c', user: 'nobody' } }],
    });
    const run = await cli(['plan', '--workspace', workspaceFile, '--context', 'pipeline', '--secrets', await writeSecrets(secrets())], {
      KUBECONFIG: [join(dir, 'missing.yaml'), execConfig].join(delimiter),
      PATH: `${bin}${delimiter}${process.env.PATH}`,
    });
    expect(run.stderr).toContain(`plan: context pipeline (${api.url}), namespace ${NS}`);
    // 0 after the tests above pushed, 1 when run alone on an empty cluster: either way a plan, not an error.
    expect([0, 1], run.stderr).toContain(run.code);
    expect(run.stdout).toMatch(/^(create|unchanged)\s+Backend team\/orders$/m);
    expect(api.requests.some((r) => r.user === 'pipeline')).toBe(true);
  });

  it('reads the files a kubeconfig names relative to its folder, as kubectl does: tokenFile and an exec command ./login.sh', async () => {
    // The CLI runs from the repository's folder; the kubeconfig and its files are in a folder of their own.
    const folder = await mkdtemp(join(dir, 'own-folder-'));
    await writeFile(join(folder, 'token'), `${api.addUser('token-file-pipeline')}\n`);
    await writeTokenPlugin(join(folder, 'login.sh'));
    const config = await writeApiKubeconfig(join(folder, 'config'), {
      'current-context': 'from-file',
      users: [
        { name: 'file', user: { tokenFile: 'token' } },
        { name: 'plugin', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: './login.sh', env: [{ name: 'LOGIN_TOKEN', value: api.addUser('exec-pipeline') }] } } },
      ],
      contexts: [{ name: 'from-file', context: { cluster: 'c', user: 'file', namespace: NS } }, { name: 'from-plugin', context: { cluster: 'c', user: 'plugin', namespace: NS } }],
    });
    const secretsFile = await writeSecrets(secrets());
    for (const [context, user] of [['from-file', 'token-file-pipeline'], ['from-plugin', 'exec-pipeline']] as const) {
      const run = await cli(['plan', '--workspace', workspaceFile, '--kubeconfig', config, '--context', context, '--secrets', secretsFile]);
      expect([0, 1], run.stderr).toContain(run.code);
      expect(run.stderr).toContain(`plan: context ${context} (${api.url}), namespace ${NS}`);
      expect(api.requests.some((r) => r.user === user)).toBe(true);
    }
  });

  it('a client certificate the kubeconfig names and the disk lacks: exit 2 naming the user, field, file and cause, before any request', async () => {
    const folder = await mkdtemp(join(dir, 'missing-cert-'));
    const config = await writeApiKubeconfig(join(folder, 'config'), {
      'current-context': 'cert',
      users: [{ name: 'cert-user', user: { 'client-certificate': 'cert.pem', 'client-key': 'key.pem' } }],
      contexts: [{ name: 'cert', context: { cluster: 'c', user: 'cert-user', namespace: NS } }],
    });
    const before = api.requests.length;
    const run = await cli(['plan', '--workspace', workspaceFile, '--kubeconfig', config, '--secrets', await writeSecrets(secrets())]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain(`plan: Kubeconfig ${config}, user "cert-user": client-certificate: cannot read ${join(folder, 'cert.pem')}: no such file or folder (ENOENT)`);
    expect(run.stderr).not.toContain('API server answered');
    expect(api.requests.length).toBe(before);
  });

  it('prints a progress line per object on a terminal, and none when stderr is not one', async () => {
    const secretsFile = await writeSecrets(secrets());
    const piped = await cli(['plan', ...common(), '--secrets', secretsFile]);
    expect(piped.stderr).not.toMatch(/^unchanged\s+Backend team\/orders$/m);
    if (!existsSync('/usr/bin/script')) throw new Error('util-linux script(1) is needed to give the CLI a terminal');
    // script(1) runs the CLI on a pseudo-terminal: stdout and stderr both reach it, so each line shows twice.
    const command = [process.execPath, cliBundle, 'plan', ...common(), '--secrets', secretsFile].map((a) => `'${a}'`).join(' ');
    const child = spawn('/usr/bin/script', ['-qefc', command, '/dev/null'], { cwd: REPO_ROOT, env: { ...process.env, KUBECONFIG: '', GATEHOUSE_SECRETS: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code, out).toBe(0);
    expect(out.match(/^unchanged\s+Backend team\/orders\r?$/gm)).toHaveLength(2);
  });

  it('prune lists only the objects of its own workspace when each sets its own cluster.label, and says when the label is shared', async () => {
    const billingFile = join(dir, 'billing.json');
    const billing = (label?: string) => ({
      services: [{ name: 'billing', upstream: { url: 'https://billing.example.com' }, endpointSecurity: { type: 'basic', secret: 'billing-backend' } }],
      ...(label ? { cluster: { label } } : {}),
    });
    const billingSecrets = await writeSecrets({ 'billing-backend': { username: 'svc-billing', password: 'billing-Pa55' } }, 'billing-secrets.json');
    await writeFile(workspaceFile, JSON.stringify({ ...workspace(true), cluster: { label: 'orders-team' } }));
    expect((await cli(['push', ...common(), '--secrets', await writeSecrets(secrets())])).code).toBe(0);
    await writeFile(billingFile, JSON.stringify(billing('billing-team')));
    expect((await cli(['push', '--workspace', billingFile, '--kubeconfig', kubeconfig, '--secrets', billingSecrets])).code).toBe(0);

    const own = await cli(['prune', ...common(), '-o', 'json']);
    expect(own.code, own.stderr).toBe(0);
    expect(JSON.parse(own.stdout)).toMatchObject({ workspaceLabel: 'orders-team', candidates: [] });
    const other = await cli(['prune', '--workspace', billingFile, '--kubeconfig', kubeconfig]);
    expect(other.code).toBe(0);
    expect(other.stdout).toContain('Nothing to prune');

    // Without labels of their own, the two share the default one: the other's objects are listed, and that is said.
    await writeFile(billingFile, JSON.stringify(billing()));
    expect((await cli(['push', '--workspace', billingFile, '--kubeconfig', kubeconfig, '--secrets', billingSecrets])).code).toBe(0);
    await writeFile(workspaceFile, JSON.stringify(workspace(true)));
    const shared = await cli(['prune', ...common()]);
    expect(shared.stdout).toContain('Objects labelled gatehouse.dev/workspace=gatehouse that are gone from this workspace:');
    expect(shared.stdout).toContain('  Backend team/billing\n');
    expect(shared.stdout).toContain('objects another such workspace pushed to this cluster are listed too');
  });

  it('prune finds the Secrets of a removed Application in a namespace the workspace no longer names', async () => {
    const elsewhere = (withApplication: boolean) => {
      const ws = workspace(withApplication);
      return { ...ws, applications: ws.applications.map((app) => ({ ...app, namespace: 'default' })), cluster: { label: 'apps-elsewhere' } };
    };
    await writeFile(workspaceFile, JSON.stringify(elsewhere(true)));
    expect((await cli(['push', ...common(), '--secrets', await writeSecrets(secrets())])).code).toBe(0);
    await writeFile(workspaceFile, JSON.stringify(elsewhere(false)));
    const listed = await cli(['prune', ...common()]);
    expect(listed.code, listed.stderr).toBe(1);
    expect(listed.stdout).toContain('  Application commerce\n');
    expect(listed.stdout).toContain('  Secret default/erp-basic\n');
    // A user who may not list Secrets across namespaces: prune looks in the namespaces the workspace names.
    const stop = api.intercept((req, path) => (req.method === 'GET' && path === '/api/v1/secrets' ? statuses.forbidden('ci', 'list', { group: '', resource: 'secrets' }, undefined) : undefined));
    try {
      const narrower = await cli(['prune', ...common()]);
      expect(narrower.code, narrower.stderr).toBe(1);
      expect(narrower.stdout).toContain('  Application commerce\n');
      expect(narrower.stdout).not.toContain('Secret default/erp-basic');
    } finally {
      stop();
    }
  });

  it('prune for one namespace leaves what the same workspace pushed to another namespace alone', async () => {
    const staged = (withBilling: boolean) => ({
      services: [
        { name: 'shop', upstream: { url: 'https://shop.example.com' }, endpointSecurity: { type: 'basic', secret: 'shop-backend' } },
        ...(withBilling ? [{ name: 'billing', upstream: { url: 'https://billing.example.com' }, endpointSecurity: { type: 'basic', secret: 'billing-backend' } }] : []),
      ],
      cluster: { label: 'staged' },
    });
    const stagedSecrets = await writeSecrets({ 'shop-backend': { username: 'svc-shop', password: 'shop-Pa55' }, 'billing-backend': { username: 'svc-billing', password: 'billing-Pa55' } }, 'staged-secrets.json');
    await writeFile(workspaceFile, JSON.stringify(staged(true)));
    expect((await cli(['push', ...common(), '--secrets', stagedSecrets, '-n', NS])).code).toBe(0);
    expect((await cli(['push', ...common(), '--secrets', stagedSecrets, '-n', 'default'])).code).toBe(0);

    // Everything the workspace has is in both namespaces: nothing to prune in either.
    const none = await cli(['prune', ...common(), '-n', 'default']);
    expect(none.code, none.stdout + none.stderr).toBe(0);
    expect(none.stdout).toContain('Nothing to prune');

    // billing gone from the workspace: pruning `default` lists only what was pushed there.
    await writeFile(workspaceFile, JSON.stringify(staged(false)));
    // Short options with `=`, as kubectl takes them.
    const listed = await cli(['prune', ...common(), '-n=default', '-o=json']);
    expect(listed.code, listed.stderr).toBe(1);
    expect((JSON.parse(listed.stdout) as { candidates: { label: string }[] }).candidates.map((c) => c.label).sort()).toEqual(['Backend default/billing', 'Secret default/billing-backend']);
    expect((await cli(['prune', ...common(), '-n', 'default', '--yes'])).code).toBe(0);
    const secrets = api.registry.find('', 'v1', 'secrets')!;
    expect(api.store.get(secrets, NS, 'billing-backend')).toBeDefined();
    expect(api.store.get(secrets, NS, 'shop-backend')).toBeDefined();
    expect(api.store.get(secrets, 'default', 'billing-backend')).toBeUndefined();
  });

  // A Kyma Application is cluster-wide and its Secrets lie in the application's namespace: one object whichever
  // namespace is pushed to. Until 3 Dec each push relabelled them with its namespace, so of two namespaces' drift
  // checks one always failed, and only the last namespace pushed to could prune them.
  it('one workspace pushed to two namespaces is up to date in both: the objects they share carry no one namespace', async () => {
    await writeFile(workspaceFile, JSON.stringify({ ...workspace(true), cluster: { label: 'two-namespaces' } }));
    const withSecrets = ['--secrets', await writeSecrets(secrets(), 'two-namespaces.json')];
    expect((await cli(['push', ...common(), ...withSecrets, '-n', NS])).code).toBe(0);
    expect((await cli(['push', ...common(), ...withSecrets, '-n', 'default'])).code).toBe(0);
    for (const namespace of [NS, 'default']) {
      const plan = await cli(['plan', ...common(), ...withSecrets, '-n', namespace]);
      expect(plan.code, `${namespace}: ${plan.stdout}${plan.stderr}`).toBe(0);
    }
    const apps = api.registry.find('applicationconnector.kyma-project.io', 'v1alpha1', 'applications')!;
    const secretsType = api.registry.find('', 'v1', 'secrets')!;
    const pushNamespaceOf = (object: unknown) => (object as { metadata: { labels: Record<string, string> } }).metadata.labels['gatehouse.dev/push-namespace'];
    expect(pushNamespaceOf(api.store.get(apps, undefined, 'commerce'))).toBe('');
    expect(pushNamespaceOf(api.store.get(secretsType, NS, 'erp-basic'))).toBe('');
    // What each push put in its own namespace keeps that namespace.
    expect(pushNamespaceOf(api.store.get(secretsType, NS, 'orders-backend'))).toBe(NS);
    expect(pushNamespaceOf(api.store.get(secretsType, 'default', 'orders-backend'))).toBe('default');

    // The application gone from the workspace: pruning either namespace lists it and its Secret, and only its own objects.
    await writeFile(workspaceFile, JSON.stringify({ ...workspace(false), cluster: { label: 'two-namespaces' } }));
    for (const namespace of [NS, 'default']) {
      const listed = await cli(['prune', ...common(), '-n', namespace, '-o', 'json']);
      expect(listed.code, listed.stderr).toBe(1);
      expect((JSON.parse(listed.stdout) as { candidates: { label: string }[] }).candidates.map((c) => c.label).sort()).toEqual(['Application commerce', `Secret ${NS}/erp-basic`]);
    }
    expect((await cli(['prune', ...common(), '-n', 'default', '--yes'])).code).toBe(0);
    expect(api.store.get(apps, undefined, 'commerce')).toBeUndefined();
    expect(api.store.get(secretsType, NS, 'orders-backend')).toBeDefined();
  });

  it('a push that stops (the token refused midway) still lists what it did before the error (exit 2)', async () => {
    await writeFile(workspaceFile, JSON.stringify({ ...workspace(true), cluster: { label: 'interrupted' } }));
    const stop = api.intercept((req, path) => (req.method === 'PATCH' && path.includes('/applications/') && !req.url!.includes('dryRun') ? statuses.unauthorized() : undefined));
    try {
      const text = await cli(['push', ...common(), '--secrets', await writeSecrets(secrets())]);
      expect(text.code).toBe(2);
      expect(text.stdout).toMatch(/The push stopped after these:\n(.*\n)*.*Secret team\/erp-basic/);
      const json = await cli(['push', ...common(), '--secrets', await writeSecrets(secrets()), '-o', 'json']);
      expect(json.code).toBe(2);
      const report = JSON.parse(json.stdout) as { error: { code: string }; items: { label: string; outcome: string }[] };
      expect(report.error.code).toMatch(/GATEHOUSE_CLUSTER/);
      expect(report.items.map((i) => i.label)).toContain('Secret team/erp-basic');
    } finally {
      stop();
    }
  });
});

// What a pipeline relies on, held against what kubectl does for the same operation.
describe('as kubectl behaves for the same operations', { timeout: 90_000 }, () => {
  /** A workspace of its own (a service and its Secret, no Application), so the shared one's objects stay as they are. */
  async function serviceOnlyWorkspace(): Promise<string[]> {
    const file = join(dir, 'service-only.json');
    await writeFile(file, JSON.stringify({ ...workspace(false), cluster: { label: 'kubectl-semantics' } }));
    return ['--workspace', file, '--secrets', await writeSecrets(secrets(), 'service-only-secrets.json')];
  }

  it('an empty --namespace falls back to the context namespace, as kubectl -n "" does', async () => {
    const args = await serviceOnlyWorkspace();
    for (const empty of [['--namespace', ''], ['--namespace='], ['-n', '']]) {
      const run = await cli(['plan', ...args, '--kubeconfig', kubeconfig, ...empty]);
      expect(run.stderr).toContain(`plan: context ci (${api.url}), namespace ${NS}`);
      // Whatever earlier tests left there: the object is aimed at the context's namespace.
      expect(objectLines(run.stdout).map(([, label]) => label)).toContain('Secret team/orders-backend');
    }
  });

  it('a namespace that is no namespace name: exit 2 before any request, naming where it came from, not the workspace', async () => {
    const args = await serviceOnlyWorkspace();
    const before = api.requests.length;
    const given = await cli(['plan', ...args, '--kubeconfig', kubeconfig, '-n', 'Team_A']);
    expect(given.code).toBe(2);
    expect(given.stderr).toContain('plan: --namespace, "Team_A", is not a valid namespace name: at most 63 lowercase letters');
    expect(given.stderr).not.toContain('workspace.');
    const fromContext = await writeApiKubeconfig(join(dir, 'bad-namespace.yaml'), {
      'current-context': 'dotted',
      users: [{ name: 'admin', user: { token: adminToken } }],
      contexts: [{ name: 'dotted', context: { cluster: 'c', user: 'admin', namespace: 'team.a' } }],
    });
    const json = await cli(['push', ...args, '--kubeconfig', fromContext, '-o', 'json']);
    expect(json.code).toBe(2);
    expect((JSON.parse(json.stdout) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'GATEHOUSE_CLUSTER_CONTEXT',
      message: expect.stringMatching(/^The namespace of context "dotted", "team\.a", is not a valid namespace name/),
    });
    expect(api.requests.length).toBe(before);
  });

  it('a namespace that does not exist: plan exit 2 and push exit 1, each object naming it, as kubectl apply says NotFound', async () => {
    const args = await serviceOnlyWorkspace();
    const plan = await cli(['plan', ...args, '--kubeconfig', kubeconfig, '-n', 'nowhere']);
    expect(plan.code, plan.stderr).toBe(2);
    expect(plan.stdout).toMatch(/^invalid\s+Secret nowhere\/orders-backend: namespaces "nowhere" not found$/m);
    expect(plan.stdout).toMatch(/^skipped\s+Backend nowhere\/orders: would not be pushed because Secret nowhere\/orders-backend would be refused$/m);
    const push = await cli(['push', ...args, '--kubeconfig', kubeconfig, '-n', 'nowhere']);
    expect(push.code, push.stderr).toBe(1);
    expect(push.stdout).toMatch(/^failed\s+Secret nowhere\/orders-backend: namespaces "nowhere" not found \(HTTP 404\)$/m);
    expect(push.stdout).toMatch(/^skipped\s+Backend nowhere\/orders: not pushed because Secret nowhere\/orders-backend failed$/m);
    expect(push.stdout).toContain('Not everything was pushed.');
  });

  it('a user the API server forbids to write: plan exit 2 and push exit 1, each object with the 403, nothing written', async () => {
    const token = api.addUser('reader', [{ verbs: ['get', 'list'], apiGroups: ['*'], resources: ['*'] }]);
    const readerConfig = await writeApiKubeconfig(join(dir, 'reader.yaml'), {
      'current-context': 'reader',
      users: [{ name: 'reader', user: { token } }],
      contexts: [{ name: 'reader', context: { cluster: 'c', user: 'reader', namespace: NS } }],
    });
    const args = await serviceOnlyWorkspace();
    const plan = await cli(['plan', ...args, '--kubeconfig', readerConfig]);
    expect(plan.code, plan.stderr).toBe(2);
    expect(plan.stdout).toMatch(/^invalid\s+Secret team\/orders-backend: Forbidden: secrets "orders-backend" is forbidden: User "reader" cannot patch resource "secrets"/m);
    const push = await cli(['push', ...args, '--kubeconfig', readerConfig, '-o', 'json']);
    expect(push.code, push.stderr).toBe(1);
    const report = JSON.parse(push.stdout) as { ok: boolean; items: { label: string; outcome: string; status?: number }[] };
    expect(report.ok).toBe(false);
    expect(report.items.find((i) => i.label === 'Secret team/orders-backend')).toMatchObject({ outcome: 'failed', status: 403 });
    expect(report.items.find((i) => i.label === 'Backend team/orders')).toMatchObject({ outcome: 'skipped' });
    expect(push.stdout + push.stderr).not.toContain(FIRST_PASSWORD);
    expect(push.stdout + push.stderr).not.toContain(token);
  });

  it('a --kubeconfig that is not there, or a --context it lacks: exit 2 naming it, before any request, as kubectl refuses both', async () => {
    const args = await serviceOnlyWorkspace();
    const before = api.requests.length;
    const missing = await cli(['plan', ...args, '--kubeconfig', join(dir, 'no-such-kubeconfig.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(join(dir, 'no-such-kubeconfig.yaml'));
    const context = await cli(['plan', ...args, '--kubeconfig', kubeconfig, '--context', 'staging', '-o', 'json']);
    expect(context.code).toBe(2);
    expect((JSON.parse(context.stdout) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'GATEHOUSE_CLUSTER_CONTEXT', message: expect.stringContaining('"staging"') });
    expect(api.requests.length).toBe(before);
  });

  it('an API server nobody answers at: exit 2 naming it, as JSON too, and no token printed', async () => {
    const port = await freePort(); // nothing listens on it
    const token = 'unreachable-token-1234';
    const unreachable = await writeOneContextKubeconfig('unreachable.yaml', 'gone', { server: `https://127.0.0.1:${port}`, 'certificate-authority-data': Buffer.from(api.caPem).toString('base64') }, { token });
    const args = await serviceOnlyWorkspace();
    const text = await cli(['push', ...args, '--kubeconfig', unreachable]);
    expect(text.code).toBe(2);
    expect(text.stderr).toContain(`Cannot reach the API server https://127.0.0.1:${port}`);
    const json = await cli(['plan', ...args, '--kubeconfig', unreachable, '-o', 'json']);
    expect(json.code).toBe(2);
    expect((JSON.parse(json.stdout) as { error: { code: string } }).error.code).toBe('GATEHOUSE_CLUSTER_UNREACHABLE');
    for (const run of [text, json]) expect(run.stdout + run.stderr).not.toContain(token);
  });

  it('a server address with a password in it (https://ci:PASSWORD@host) is shown with *** for it, as kubectl shows it', async () => {
    const port = await freePort(); // nothing listens on it
    const password = 'address-Pa55-word%21';
    const withPassword = await writeOneContextKubeconfig('userinfo.yaml', 'ci', { server: `https://ci:${password}@127.0.0.1:${port}` }, {});
    const args = await serviceOnlyWorkspace();
    const text = await cli(['plan', ...args, '--kubeconfig', withPassword]);
    const json = await cli(['push', ...args, '--kubeconfig', withPassword, '-o', 'json']);
    for (const run of [text, json]) {
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`context ci (https://ci:***@127.0.0.1:${port})`);
      expect(run.stderr).toContain(`Cannot reach the API server https://ci:***@127.0.0.1:${port}`);
    }
    // Serving: the line naming the API server serviceInfo backends go through.
    const serving = spawn(process.execPath, [cliBundle, '--config', workspaceFile, '--secrets', await writeSecrets(secrets()), '--kubeconfig', withPassword, '--port', '0'], { cwd: REPO_ROOT, env: { ...process.env, GATEHOUSE_SECRETS: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let served = '';
    serving.stderr.on('data', (d: Buffer) => (served += d.toString()));
    await new Promise<void>((resolve) => serving.stderr.on('data', () => served.includes('Gatehouse gateway on') && resolve()));
    serving.kill('SIGTERM');
    await once(serving, 'exit');
    expect(served).toContain(`through the API server https://ci:***@127.0.0.1:${port}`);
    for (const output of [text.stdout, text.stderr, json.stdout, json.stderr, served]) {
      expect(output).not.toContain(password);
      expect(output).not.toContain(decodeURIComponent(password));
    }
  });
});

// Secret values from the OS keychain, as for serving: the real keychain (with-keyring gives a private one).
const gate = await keychainGate('cluster CLI keychain');

describe.skipIf(gate.skip)('secret values from the OS keychain', { timeout: 60_000 }, () => {
  it('needs a keychain in CI', () => {
    if (gate.failure) throw new Error(gate.failure);
  });

  it('plans with a value only the keychain holds, without --secrets', async () => {
    const name = `${uniqueSecretPrefix()}-backend`;
    const vault = new KeytarVault();
    await vault.set({ name, data: { username: 'svc-keychain', password: 'keychain-Pa55' } });
    try {
      const file = join(dir, 'keychain-workspace.json');
      await writeFile(file, JSON.stringify({ services: [{ name: 'keychained', upstream: { url: 'https://k.example.com' }, endpointSecurity: { type: 'basic', secret: name } }] }));
      const run = await cli(['plan', '--workspace', file, '--kubeconfig', kubeconfig, '--output', 'json']);
      expect(run.code, run.stderr).toBe(1);
      const plan = JSON.parse(run.stdout) as { items: { label: string; action: string }[] };
      expect(plan.items.map((i) => [i.label, i.action])).toEqual([[`Secret ${NS}/${name}`, 'create'], [`Backend ${NS}/keychained`, 'create']]);
      expect(run.stdout + run.stderr).not.toContain('keychain-Pa55');
    } finally {
      await vault.delete({ name });
    }
  });
});
