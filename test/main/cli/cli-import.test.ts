import { afterAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { request } from 'undici';
import { spawnGatewayCli, REPO_ROOT, type RunningCli } from '../../support/spawn-cli';
import { startRecordingUpstream } from '../../support/recording-upstream';
import { basic } from '../../support/gateway';
import { seedSnippets } from '../../support/seed-snippets';
import { KeytarVault } from '../../../main/services/vault';
import { keychainGate } from '../../support/keychain';

// The CLI stores imported secret values in the real OS keychain and serves from it.
const gate = await keychainGate('cli import');
const run = promisify(execFile);
const suffix = randomBytes(3).toString('hex');
const running: RunningCli[] = [];
const created: { name: string; namespace?: string }[] = [];

afterAll(async () => {
  await Promise.all(running.map((r) => r.stop()));
  const vault = new KeytarVault();
  for (const ref of created) await vault.delete(ref).catch(() => undefined);
});

describe.skipIf(gate.skip)('npm run gateway -- import', () => {
  it('needs a keychain in CI', () => {
    if (gate.failure) throw new Error(gate.failure);
  });

  it('imports the APK inline-credentials snippet as written, keeps the password out of the workspace, and serves it from the keychain', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gatehouse-import-'));
    const upstream = await startRecordingUpstream();
    try {
      const snippet = seedSnippets('000')[3]!.replace('https://httpbin.org', upstream.url);
      await writeFile(join(dir, 'apk.json'), snippet);
      const wsPath = join(dir, 'ws.json');
      const name = `httpbin-${suffix}`;
      created.push({ name: `${name}-production-credentials` });
      const { stderr } = await run(join(REPO_ROOT, 'node_modules/.bin/tsx'), ['main/cli/main.ts', 'import', join(dir, 'apk.json'), '--workspace', wsPath, '--name', name], { cwd: REPO_ROOT });
      expect(stderr).toContain(`went to the vault as secret "${name}-production-credentials"`);
      expect(stderr).toMatch(/imported 1 service, .*1 secret to the keychain/);
      const files = await readdir(dir);
      for (const file of files.filter((f) => f.startsWith('ws'))) expect(await readFile(join(dir, file), 'utf8')).not.toContain('"admin"');

      const cli = spawnGatewayCli(['--config', wsPath, '--port', '0']);
      running.push(cli);
      const [, url] = (await cli.waitFor(/gateway on (http:\/\/\S+)/)) as unknown as [string, string];
      const res = await request(`${url}/${name}/anything`);
      await res.body.dump();
      expect(res.statusCode).toBe(200);
      expect(upstream.requests[0]!.headers.authorization).toBe(basic('admin', 'admin'));
    } finally {
      await upstream.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a Secret whose data is plain text, naming the field and the flag, and takes it as written with --plain-secret-data', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gatehouse-import-'));
    const name = `erp-plain-${suffix}`;
    created.push({ name, namespace: 'kyma-integration' });
    try {
      // "password" is valid base64, but it decodes to bytes that are not text: the user wrote plain text.
      await writeFile(join(dir, 'secret.yaml'), `kind: Secret\nmetadata:\n  name: ${name}\n  namespace: kyma-integration\ndata:\n  username: dXNlcg==\n  password: password\n`);
      const tsx = join(REPO_ROOT, 'node_modules/.bin/tsx');
      const args = ['main/cli/main.ts', 'import', join(dir, 'secret.yaml'), '--workspace', join(dir, 'ws.json')];
      const failure = await run(tsx, args, { cwd: REPO_ROOT }).catch((e: { code: number; stderr: string }) => e);
      expect((failure as { code: number }).code).toBe(1);
      expect((failure as { stderr: string }).stderr).toContain('data.password: expected base64 of text');
      expect((failure as { stderr: string }).stderr).toContain('--plain-secret-data');
      expect(await readdir(dir)).toEqual(['secret.yaml']);
      expect(await new KeytarVault().get({ name, namespace: 'kyma-integration' })).toBeUndefined();

      const { stderr } = await run(tsx, [...args, '--plain-secret-data'], { cwd: REPO_ROOT });
      expect(stderr).toContain(`Secret "${name}": data.username, data.password taken as plain text, as written (not base64-decoded)`);
      expect(stderr).toMatch(/imported 0 services, 0 routes, 0 consumers, 0 applications, 1 secret to the keychain/);
      expect((await new KeytarVault().get({ name, namespace: 'kyma-integration' }))?.data).toEqual({ username: 'dXNlcg==', password: 'password' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses documents that do not make a valid workspace, naming the field, and writes nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gatehouse-import-'));
    try {
      await writeFile(join(dir, 'bad.json'), '"endpointConfig": {"production_endpoints": {"url": "ftp://x.test"}}');
      const failure = await run(join(REPO_ROOT, 'node_modules/.bin/tsx'), ['main/cli/main.ts', 'import', join(dir, 'bad.json'), '--workspace', join(dir, 'ws.json')], { cwd: REPO_ROOT }).catch((e: { code: number; stderr: string }) => e);
      expect((failure as { code: number }).code).toBe(1);
      expect((failure as { stderr: string }).stderr).toContain('services[0].upstream.url: an http:// or https:// URL');
      expect(await readdir(dir)).toEqual(['bad.json']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
