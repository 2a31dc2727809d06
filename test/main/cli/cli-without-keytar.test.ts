// `npm start` with no display runs the bundled CLI's demo. Where npm could not build keytar (an optional
// dependency) the package is simply absent, and the demo must serve all the same. The CLI is bundled as
// build.mjs bundles it, into a folder outside the repository whose node_modules links every installed package
// except keytar, so `require('keytar')` fails there exactly as on such a machine.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../support/spawn-cli';
import { bundleGatewayCli } from '../../support/built-gateway';

let dir: string;
let cli: ChildProcess | undefined;
let cliBundle: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-no-keytar-'));
  mkdirSync(join(dir, 'node_modules'));
  for (const name of readdirSync(join(REPO_ROOT, 'node_modules'))) {
    if (name !== 'keytar' && !name.startsWith('.')) symlinkSync(join(REPO_ROOT, 'node_modules', name), join(dir, 'node_modules', name));
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  // Bundled as build.mjs bundles it; keytar stays outside the bundle, resolved from this folder's node_modules.
  cliBundle = await bundleGatewayCli(join(dir, 'out/gateway'));
});

afterAll(async () => {
  if (cli && cli.exitCode === null) {
    cli.kill('SIGTERM');
    await new Promise((resolve) => cli!.once('exit', resolve));
  }
  rmSync(dir, { recursive: true, force: true });
});

/** Resolves with the CLI's stderr once it matches every pattern; rejects if the CLI exits first. */
function stderrUntil(child: ChildProcess, patterns: RegExp[]): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (patterns.every((p) => p.test(text))) resolve(text);
    });
    child.once('exit', (code) => reject(new Error(`CLI exited (${code}) before printing ${patterns.join(', ')}:\n${text}`)));
  });
}

describe('the cluster commands without keytar', () => {
  it('name the keychain as unavailable among the places a missing secret was looked for', async () => {
    writeFileSync(join(dir, 'cluster-ws.json'), JSON.stringify({ services: [{ name: 'orders', upstream: { url: 'https://o.example.com' }, endpointSecurity: { type: 'basic', secret: 'orders-backend' } }] }));
    writeFileSync(join(dir, 'no-secrets.json'), '{}');
    // Never contacted: the secrets are read, and found missing, before the first request.
    writeFileSync(join(dir, 'kubeconfig.yaml'), 'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u, namespace: default}}]\ncurrent-context: x\n');
    const run = spawn(process.execPath, [cliBundle, 'plan', '--workspace', join(dir, 'cluster-ws.json'), '--kubeconfig', join(dir, 'kubeconfig.yaml'), '--secrets', join(dir, 'no-secrets.json')], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    run.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(run, 'exit')) as [number];
    expect(code).toBe(2);
    expect(stderr).toContain(`(looked in: secrets file ${join(dir, 'no-secrets.json')}, OS keychain (unavailable))`);
  });
});

describe('the headless demo without keytar', () => {
  it('keytar really is missing in that folder', async () => {
    const probe = spawn(process.execPath, ['-e', "require('keytar')"], { cwd: dir, stdio: 'ignore' });
    const [code] = (await once(probe, 'exit')) as [number | null];
    expect(code).toBe(1);
  });

  it('import with secrets stops before writing, with what the CLI can do instead (not the app\'s session-only vault)', async () => {
    writeFileSync(join(dir, 'secret.yaml'), 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: backend\nstringData:\n  username: admin\n  password: pw-not-stored\n');
    const run = spawn(process.execPath, [cliBundle, 'import', join(dir, 'secret.yaml'), '--workspace', join(dir, 'ws.json')], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    run.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(run, 'exit')) as [number];
    expect(code).toBe(1);
    expect(stderr).toContain('OS keychain unavailable');
    expect(stderr).toContain('Nothing was written. Without a keychain, import without the Secrets and give their values to the gateway with --secrets FILE or $GATEHOUSE_SECRETS.');
    expect(stderr).not.toContain('session-only vault');
    expect(stderr).not.toContain('pw-not-stored');
    expect(readdirSync(dir)).not.toContain('ws.json');
  });

  it('serves the demo: 401 without credentials, 200 with alex:123456', async () => {
    cli = spawn(process.execPath, [cliBundle, '--demo', '--port', '0'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    const text = await stderrUntil(cli, [/curl -i http:\S+\/v1\/json/, /curl -i -u alex:123456 http:\S+\/v1\/json/]);
    const url = /curl -i -u alex:123456 (http:\S+\/v1\/json)/.exec(text)![1]!;
    const without = await request(url);
    await without.body.dump();
    expect(without.statusCode).toBe(401);
    const withCredentials = await request(url, { headers: { authorization: `Basic ${Buffer.from('alex:123456').toString('base64')}` } });
    expect(withCredentials.statusCode).toBe(200);
    expect(await withCredentials.body.json()).toMatchObject({ slideshow: expect.any(Object) });
  });
});
