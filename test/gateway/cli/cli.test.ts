import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { mkdir, mkdtemp, writeFile, rename, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { REPO_ROOT, spawnGatewayCli, type RunningCli } from '../../support/spawn-cli';
import { startRecordingUpstream } from '../../support/recording-upstream';
import { SLIDESHOW } from '../../../gateway/demo/demo-upstream';

const sh = promisify(execFile);
const running: RunningCli[] = [];
afterAll(async () => {
  await Promise.all(running.map((r) => r.stop()));
});

/** A CLI that refuses to start: its exit code and everything it said on stderr. Call it as the CLI is spawned. */
async function refusedAtStart(cli: RunningCli): Promise<{ code: number | null; stderr: string }> {
  running.push(cli);
  await once(cli.child, 'close');
  return { code: cli.child.exitCode, stderr: cli.stderr() };
}

describe('headless CLI', () => {
  it('--demo serves the APISIX walkthrough and the two curl lines it prints work as written', async () => {
    const cli = spawnGatewayCli(['--demo', '--port', '0']);
    running.push(cli);
    const [unauthenticated] = await cli.waitFor(/curl -i http:\S+\/v1\/json/);
    const [authenticated] = await cli.waitFor(/curl -i -u alex:123456 http:\S+\/v1\/json/);
    const first = await sh('sh', ['-c', `${unauthenticated} -sS`]);
    expect(first.stdout).toMatch(/^HTTP\/1\.1 401/);
    expect(first.stdout).toMatch(/www-authenticate: Basic realm=".", charset="UTF-8"/i);
    expect(first.stdout).toContain('{"message":"Missing authorization in request"}');
    const second = await sh('sh', ['-c', `${authenticated} -sS`]);
    expect(second.stdout).toMatch(/^HTTP\/1\.1 200/);
    expect(JSON.parse(second.stdout.slice(second.stdout.indexOf('\r\n\r\n') + 4))).toEqual(SLIDESHOW);
    const wrong = await sh('sh', ['-c', `${authenticated.replace('123456', 'bad')} -sS`]);
    expect(wrong.stdout).toContain('{"message":"Invalid user authorization"}');
    // One JSON log line per request on stdout, without the password.
    await expect.poll(() => cli.stdout().match(/\n/g)?.length ?? 0).toBeGreaterThanOrEqual(3);
    const lines = cli.stdout().trim().split('\n').map((l) => JSON.parse(l) as { status: number; consumer: string | null });
    expect(lines.map((l) => l.status)).toEqual([401, 200, 401]);
    expect(lines[1]!.consumer).toBe('alex');
    expect(cli.stdout()).not.toContain('123456');
  });

  it('--config serves a workspace with secrets from a file, hot-reloads edits and keeps serving on a broken edit', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gatehouse-cli-'));
    const upstream = await startRecordingUpstream();
    try {
      const wsPath = join(dir, 'workspace.yaml');
      const secretsPath = join(dir, 'secrets.json');
      const workspace = (realm: string) =>
        `services:\n  - name: api\n    pathPrefix: /api\n    upstream: { url: "${upstream.url}" }\n    plugins:\n      basic-auth: { realm: ${realm} }\nconsumers:\n  - username: alex\n    basicAuth: { password: { secret: alex, key: password } }\n`;
      await writeFile(wsPath, workspace('first'));
      await writeFile(secretsPath, JSON.stringify({ alex: { password: 'from-file' } }));
      const cli = spawnGatewayCli(['--config', wsPath, '--secrets', secretsPath, '--port', '0']);
      running.push(cli);
      const [, url] = (await cli.waitFor(/gateway on (http:\/\/\S+)/)) as unknown as [string, string];
      const auth = { authorization: `Basic ${Buffer.from('alex:from-file').toString('base64')}` };
      expect((await request(`${url}/api/x`, { headers: auth })).statusCode).toBe(200);

      // Replaced by rename, as editors and the app's store do.
      await writeFile(`${wsPath}.tmp`, workspace('second'));
      await rename(`${wsPath}.tmp`, wsPath);
      await cli.waitFor(/reloaded/);
      const challenged = await request(`${url}/api/x`);
      expect(challenged.headers['www-authenticate']).toBe('Basic realm="second", charset="UTF-8"');

      await writeFile(wsPath, 'services:\n  - name: api\n    upstream: { url: "nope" }\n');
      await cli.waitFor(/kept the running config[\s\S]*services\[0\]\.upstream\.url/);
      expect((await request(`${url}/api/x`, { headers: auth })).statusCode).toBe(200);
    } finally {
      await upstream.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says a listen address edit is not applied by a reload, and refuses a --port that is not a decimal number', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gatehouse-cli-'));
    try {
      const wsPath = join(dir, 'ws.json');
      const workspace = (host: string) => JSON.stringify({ gateway: { host }, services: [{ name: 's', upstream: { url: 'http://127.0.0.1:1' } }] });
      await writeFile(wsPath, workspace('127.0.0.1'));
      const cli = spawnGatewayCli(['--config', wsPath, '--port', '0']);
      running.push(cli);
      const [, url] = (await cli.waitFor(/gateway on (http:\/\/\S+)/)) as unknown as [string, string];
      await writeFile(`${wsPath}.tmp`, workspace('127.0.0.2'));
      await rename(`${wsPath}.tmp`, wsPath);
      await cli.waitFor(new RegExp(`reloaded .*ws\\.json; gateway\\.host takes effect when the gateway starts again \\(it still listens on ${url.replace(/[.:/]/g, '\\$&')}\\)`));
      for (const bad of ['', ' ', '0xB82C', '1e3']) {
        const refused = spawnGatewayCli(['--config', wsPath, '--port', bad]);
        running.push(refused);
        await refused.waitFor(/--port: expected 0-65535/);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('follows a config file that is a symbolic link: edits of its target, and a ConfigMap volume\'s ..data swap', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gatehouse-cli-'));
    try {
      const workspace = (realm: string) => JSON.stringify({ services: [{ name: 's', upstream: { url: 'http://127.0.0.1:1' }, plugins: { 'basic-auth': { realm } } }] });
      const challenge = async (url: string) => {
        const res = await request(`${url}/x`);
        await res.body.dump();
        return String(res.headers['www-authenticate']);
      };
      // As a Kubernetes ConfigMap volume lays it out: ws.json -> ..data/ws.json, ..data -> ..v1.
      await mkdir(join(dir, '..v1'));
      await writeFile(join(dir, '..v1', 'ws.json'), workspace('first'));
      await symlink('..v1', join(dir, '..data'));
      await symlink(join('..data', 'ws.json'), join(dir, 'ws.json'));
      const cli = spawnGatewayCli(['--config', join(dir, 'ws.json'), '--port', '0']);
      running.push(cli);
      const [, url] = (await cli.waitFor(/gateway on (http:\/\/\S+)/)) as unknown as [string, string];
      expect(await challenge(url)).toContain('realm="first"');

      // The target edited in place.
      await writeFile(join(dir, '..v1', 'ws.json'), workspace('second'));
      await expect.poll(() => challenge(url)).toContain('realm="second"');

      // The kubelet's update: a new folder, and ..data swapped to it by renaming a new link over it.
      await mkdir(join(dir, '..v2'));
      await writeFile(join(dir, '..v2', 'ws.json'), workspace('third'));
      await symlink('..v2', join(dir, '..data_tmp'));
      await rename(join(dir, '..data_tmp'), join(dir, '..data'));
      await expect.poll(() => challenge(url)).toContain('realm="third"');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps watching a config folder that is removed and created again, and keeps serving while it is gone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gatehouse-cli-'));
    try {
      const conf = join(dir, 'conf');
      const wsPath = join(conf, 'ws.json');
      const workspace = (realm: string) => JSON.stringify({ services: [{ name: 's', upstream: { url: 'http://127.0.0.1:1' }, plugins: { 'basic-auth': { realm } } }] });
      const challenge = async (url: string) => {
        const res = await request(`${url}/x`);
        await res.body.dump();
        return String(res.headers['www-authenticate']);
      };
      await mkdir(conf);
      await writeFile(wsPath, workspace('first'));
      const cli = spawnGatewayCli(['--config', wsPath, '--port', '0']);
      running.push(cli);
      const [, url] = (await cli.waitFor(/gateway on (http:\/\/\S+)/)) as unknown as [string, string];

      // A deploy that replaces the whole folder: gone for a while, then back with a new file.
      await rm(conf, { recursive: true });
      await cli.waitFor(/kept the running config; cannot read \S+: no such file or folder \(ENOENT\)/);
      expect(await challenge(url)).toContain('realm="first"');
      await mkdir(conf);
      await writeFile(wsPath, workspace('second'));
      await expect.poll(() => challenge(url)).toContain('realm="second"');

      // The new folder is watched, not only looked at once.
      await writeFile(wsPath, workspace('third'));
      await expect.poll(() => challenge(url)).toContain('realm="third"');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stops cleanly on a SIGTERM sent the moment its banner appears (its signal handlers come first)', async () => {
    // In one process (tsx's loader inside it, not a tsx parent relaying signals), as the supervisor and scripts run it.
    // Before the fix the handlers came after the banner, and under load about half such stops killed the process.
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const cli = spawn(process.execPath, ['--import', 'tsx', 'main/cli/main.ts', '--demo', '--port', '0'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
      const exited = once(cli, 'exit');
      let signalled = false;
      cli.stderr.setEncoding('utf8').on('data', (text: string) => {
        if (signalled || !text.includes('gateway on http://')) return;
        signalled = true;
        cli.kill('SIGTERM');
      });
      expect(await exited).toEqual([0, null]);
      expect(signalled).toBe(true);
    }
  }, 60_000);
});

describe('headless CLI: a secret the workspace names that is missing, and the places looked in', () => {
  let dir: string;
  let wsPath: string;
  let secretsPath: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gatehouse-cli-secrets-'));
    wsPath = join(dir, 'ws.json');
    secretsPath = join(dir, 'secrets.json');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a secret none of the sources holds: exit 1 naming it and every place looked in, with and without --secrets', async () => {
    await writeFile(wsPath, JSON.stringify({ services: [{ name: 's', upstream: { url: 'http://127.0.0.1:1' } }], consumers: [{ username: 'bob', basicAuth: { password: { secret: 'bob-pw', key: 'password' } } }] }));
    // The keychain is named "(unavailable)" where it cannot be used (no keytar, no session bus).
    const alone = await refusedAtStart(spawnGatewayCli(['--config', wsPath, '--port', '0']));
    expect(alone.code).toBe(1);
    expect(alone.stderr).toMatch(/gatehouse: consumer "bob": secret "bob-pw" not found \(looked in: OS keychain( \(unavailable\))?\)\n/);
    await writeFile(secretsPath, '{}');
    const withFile = await refusedAtStart(spawnGatewayCli(['--config', wsPath, '--secrets', secretsPath, '--port', '0']));
    expect(withFile.code).toBe(1);
    expect(withFile.stderr).toContain(`gatehouse: consumer "bob": secret "bob-pw" not found (looked in: secrets file ${secretsPath}, OS keychain`);
  });

  it('a secret found without the key the workspace names: exit 1 naming the key and the places looked in, up to the one that held the secret', async () => {
    await writeFile(wsPath, JSON.stringify({ services: [{ name: 'orders', upstream: { url: 'http://127.0.0.1:1' }, endpointSecurity: { type: 'basic', secret: 'orders-backend' } }] }));
    const withoutPassword = JSON.stringify({ 'orders-backend': { username: 'svc' } });
    // Held by the --secrets file: the keychain after it is not asked for that secret, so it is not named.
    await writeFile(secretsPath, withoutPassword);
    const inFile = await refusedAtStart(spawnGatewayCli(['--config', wsPath, '--secrets', secretsPath, '--port', '0']));
    expect(inFile.code).toBe(1);
    expect(inFile.stderr).toContain(`gatehouse: service "orders": secret "orders-backend" has no key "password" (looked in: secrets file ${secretsPath})\n`);
    // Not in the file, held by $GATEHOUSE_SECRETS: both named, in the order asked.
    await writeFile(secretsPath, '{}');
    const inEnvironment = await refusedAtStart(spawnGatewayCli(['--config', wsPath, '--secrets', secretsPath, '--port', '0'], { GATEHOUSE_SECRETS: withoutPassword }));
    expect(inEnvironment.code).toBe(1);
    expect(inEnvironment.stderr).toContain(`gatehouse: service "orders": secret "orders-backend" has no key "password" (looked in: secrets file ${secretsPath}, environment GATEHOUSE_SECRETS)\n`);
  });
});
