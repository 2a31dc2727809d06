// `import` at its edges: APISIX routes with `uris` and APISIX's unanchored "/x*"; a Kong decK file named as such,
// not misread as a Kyma Application; nothing to import is an error, not "imported 0"; APK inline credentials the
// gateway could not send are refused, not imported for a gateway that then refuses to start; a workspace file that
// is a symbolic link is written where it points.
import { afterAll, describe, expect, it } from 'vitest';
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { importDocuments } from '../../../main/services/import/import-documents';
import { runImportCommand } from '../../../main/cli/import-command';
import { SessionVault } from '../../../main/services/vault/session-vault';
import { parse as parseYaml } from 'yaml';
import { REPO_ROOT } from '../../support/spawn-cli';
import { kymaBasicDocuments } from '../../support/kyma-basic-documents';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function folder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-import-edges-'));
  dirs.push(dir);
  return dir;
}

const route = (fields: Record<string, unknown>) => JSON.stringify({ name: 'orders', upstream: { type: 'roundrobin', nodes: { '127.0.0.1:8080': 1 } }, ...fields });

describe('import of APISIX routes', () => {
  it('takes each of `uris` as a route of the one service, the first keeping the name', () => {
    const imported = importDocuments(route({ uris: ['/orders', '/orders/*'] }), 'route.json');
    expect(imported.services.map((s) => s.name)).toEqual(['orders']);
    expect(imported.routes.map((r) => [r.name, r.service, r.path, r.match])).toEqual([['orders', 'orders', '/orders', 'exact'], ['orders-2', 'orders', '/orders', 'prefix']]);
  });

  it('says that "/x*" matched /xyz in APISIX and is imported as a segment-boundary prefix', () => {
    const imported = importDocuments(route({ uri: '/api*' }), 'route.json');
    expect(imported.routes.map((r) => [r.path, r.match])).toEqual([['/api', 'prefix']]);
    expect(imported.notes).toContain('uri: "/api*" matches /api… in APISIX (/apiabc too); imported as the prefix /api, which matches /api and /api/… only');
    expect(importDocuments(route({ uri: '/api/*' }), 'route.json').notes.filter((n) => n.startsWith('uri:'))).toEqual([]);
  });

  it('names a bad entry of `uris` by its index', () => {
    expect(() => importDocuments(route({ uris: ['/ok', 'no-slash'] }), 'route.json')).toThrow(/uris\[1\]: expected a path/);
  });
});

describe('the name asked for', () => {
  it('says when --name is changed to a name the cluster takes, and is silent when it is used as given', () => {
    const apk = '{"endpointConfig": {"production_endpoints": {"url": "http://127.0.0.1:9"}}}';
    const changed = importDocuments(apk, 'apk.json', { name: 'Orders API' });
    expect(changed.services.map((s) => s.name)).toEqual(['orders-api']);
    expect(changed.notes).toContain('name "Orders API" is imported as "orders-api" (lowercase letters, digits, ".", "_" and "-", as names in a cluster go)');
    const asGiven = importDocuments(apk, 'apk.json', { name: 'orders' });
    expect(asGiven.services.map((s) => s.name)).toEqual(['orders']);
    expect(asGiven.notes.filter((n) => n.startsWith('name '))).toEqual([]);
  });
});

describe('import of a file it does not read', () => {
  it.each([64, 200_000])('refuses a document nested %i levels deep, naming the file, not "Maximum call stack size exceeded"', (depth) => {
    const text = `{"endpointConfig": ${'['.repeat(depth)}${']'.repeat(depth)}}`;
    // Twice, as Preview then Import does: a second deep text used to abort the process (V8, after yaml's overflow).
    for (let round = 0; round < 2; round++) expect(() => importDocuments(text, 'deep.json')).toThrow(/^deep\.json(:\d+:\d+)?: nested more than 64 levels deep/);
  });

  it('names a Kong declarative file as such, not as a Kyma Application with a wrong entry', () => {
    const kong = "_format_version: '3.0'\nservices:\n  - name: orders\n    url: http://127.0.0.1:8080\n    routes:\n      - paths: [/orders]\n";
    expect(() => importDocuments(kong, 'kong.yml')).toThrow(/a Kong declarative configuration \(_format_version\), which Gatehouse does not import/);
  });
});

describe('npm run gateway -- import', () => {
  it('refuses a file with nothing to import (exit 1, nothing written), as kubectl apply does', async () => {
    const dir = await folder();
    await writeFile(join(dir, 'empty.yaml'), '# nothing here\n');
    const said: string[] = [];
    const code = await runImportCommand([join(dir, 'empty.yaml'), '--workspace', join(dir, 'ws.json')], { say: (line) => said.push(line) });
    expect(code).toBe(1);
    expect(said.join('\n')).toContain('nothing to import:');
    await expect(lstat(join(dir, 'ws.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('keeps the workspace file\'s mode (a gateway of another user reads a 0644 one); a new file is private', async () => {
    const dir = await folder();
    await writeFile(join(dir, 'ws.yaml'), 'services: []\n');
    await chmod(join(dir, 'ws.yaml'), 0o644);
    await writeFile(join(dir, 'route.json'), route({ uri: '/orders' }));
    expect(await runImportCommand([join(dir, 'route.json'), '--workspace', join(dir, 'ws.yaml')], { say: () => undefined })).toBe(0);
    expect((await stat(join(dir, 'ws.yaml'))).mode & 0o777).toBe(0o644);
    expect(await runImportCommand([join(dir, 'route.json'), '--workspace', join(dir, 'new.yaml')], { say: () => undefined })).toBe(0);
    expect((await stat(join(dir, 'new.yaml'))).mode & 0o777).toBe(0o600);
  });

  it('keeps the text of a workspace whose comments it drops in a file no later import replaces, and says where', async () => {
    const dir = await folder();
    const before = '# served with --config ws.yaml\nservices: [] # none yet\n';
    await writeFile(join(dir, 'ws.yaml'), before);
    await writeFile(join(dir, 'route.json'), route({ uri: '/orders' }));
    await writeFile(join(dir, 'other.json'), route({ name: 'other', uri: '/other' }));
    const said: string[] = [];
    expect(await runImportCommand([join(dir, 'route.json'), '--workspace', join(dir, 'ws.yaml')], { say: (line) => said.push(line) })).toBe(0);
    const keptNames = (await readdir(dir)).filter((name) => /^ws\.yaml\.comments-[0-9T-]+Z$/.test(name));
    expect(keptNames).toHaveLength(1);
    const kept = join(dir, keptNames[0]!);
    expect(said).toContain(`note: ${join(dir, 'ws.yaml')} had comments, which the YAML Gatehouse writes does not keep: its previous text, comments and all, is kept in ${kept}`);
    expect(await readFile(kept, 'utf8')).toBe(before);
    // The second import replaces the backup, which held the comments: their copy stays, and no other is made.
    said.length = 0;
    expect(await runImportCommand([join(dir, 'other.json'), '--workspace', join(dir, 'ws.yaml')], { say: (line) => said.push(line) })).toBe(0);
    expect(await readFile(join(dir, 'ws.yaml.bak'), 'utf8')).not.toContain('#');
    expect(await readFile(kept, 'utf8')).toBe(before);
    expect(said.join('\n')).not.toContain('comments');
    expect((await readdir(dir)).filter((name) => name.includes('.comments-'))).toEqual([basename(kept)]);
  });

  it('keeps a YAML workspace YAML (its previous text, comments included, in the backup)', async () => {
    const dir = await folder();
    const before = '# served with --config ws.yaml\nservices: []\n';
    await writeFile(join(dir, 'ws.yaml'), before);
    await writeFile(join(dir, 'route.json'), route({ uri: '/orders' }));
    expect(await runImportCommand([join(dir, 'route.json'), '--workspace', join(dir, 'ws.yaml')], { say: () => undefined })).toBe(0);
    const text = await readFile(join(dir, 'ws.yaml'), 'utf8');
    expect(text.trimStart().startsWith('{')).toBe(false);
    expect(parseYaml(text)).toMatchObject({ services: [{ name: 'orders', upstream: { url: 'http://127.0.0.1:8080' } }], routes: [{ name: 'orders', path: '/orders' }] });
    expect(await readFile(join(dir, 'ws.yaml.bak'), 'utf8')).toBe(before);
  });

  it('does not overwrite what another program wrote to the workspace while the import ran: exit 1, its file kept', async () => {
    const dir = await folder();
    await writeFile(join(dir, 'ws.json'), JSON.stringify({ services: [] }));
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'orders-backend' }, stringData: { username: 'u', password: 'p' } };
    await writeFile(join(dir, 'route.json'), route({ uri: '/orders' }));
    await writeFile(join(dir, 'secret.json'), JSON.stringify(secret));
    const theirs = JSON.stringify({ services: [{ name: 'theirs', upstream: { url: 'http://127.0.0.1:9' } }] });
    const said: string[] = [];
    // The keychain opens between the import's read of the workspace and its write: the app saves the file then.
    const vault = new SessionVault();
    const openVault = async () => {
      await writeFile(join(dir, 'ws.json'), theirs);
      return vault;
    };
    const code = await runImportCommand([join(dir, 'route.json'), join(dir, 'secret.json'), '--workspace', join(dir, 'ws.json')], { say: (line) => said.push(line), openVault });
    expect(code).toBe(1);
    expect(said.join('\n')).toBe(`${join(dir, 'ws.json')} was changed by another program while this import ran; the import was not written to it, nor its secrets to the keychain. Run the import again`);
    expect(await readFile(join(dir, 'ws.json'), 'utf8')).toBe(theirs);
    expect(await vault.list()).toEqual([]);
  });

  it('a workspace file that cannot be written: the keychain keeps what it held, and the error says the secret was not stored', async () => {
    const dir = await folder();
    await writeFile(join(dir, 'ws.json'), JSON.stringify({ services: [] }));
    // The store moves the old file to ws.json.bak before writing the new one: a folder there refuses it (EISDIR), root or not.
    await mkdir(join(dir, 'ws.json.bak', 'in-the-way'), { recursive: true });
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'orders-backend' }, stringData: { username: 'imported', password: 'imported-pw' } };
    await writeFile(join(dir, 'route.json'), route({ uri: '/orders' }));
    await writeFile(join(dir, 'secret.json'), JSON.stringify(secret));
    const vault = new SessionVault();
    await vault.set({ name: 'orders-backend', data: { username: 'before', password: 'before-pw' } });
    const run = runImportCommand([join(dir, 'route.json'), join(dir, 'secret.json'), '--workspace', join(dir, 'ws.json')], { say: () => undefined, openVault: async () => vault });
    await expect(run).rejects.toMatchObject({ code: 'GATEHOUSE_WORKSPACE_FILE_ACCESS', message: expect.stringMatching(/Nothing was saved; .*; its secret orders-backend was not stored: the vault holds what it held before$/) });
    expect((await vault.get({ name: 'orders-backend' }))?.data).toEqual({ username: 'before', password: 'before-pw' });
  });

  it('refuses APK inline credentials Basic cannot carry (a ":" in the username), naming the field: exit 1, nothing written', async () => {
    const dir = await folder();
    const apk = {
      endpointConfig: {
        production_endpoints: { url: 'https://httpbin.org' },
        sandbox_endpoints: { url: 'https://httpbin.org' },
        endpoint_security: {
          production: { enabled: true, type: 'Basic', username: 'admin', password: 'admin' },
          sandbox: { enabled: true, type: 'Basic', username: 'tenant:admin', password: 'sandbox-pw-7' },
        },
      },
    };
    await writeFile(join(dir, 'apk.json'), JSON.stringify(apk));
    const run = promisify(execFile);
    const failure = await run(join(REPO_ROOT, 'node_modules/.bin/tsx'), ['main/cli/main.ts', 'import', join(dir, 'apk.json'), '--workspace', join(dir, 'ws.json'), '--name', 'httpbin'], { cwd: REPO_ROOT })
      .then(() => undefined, (e: { code: number; stderr: string }) => e);
    expect(failure?.code).toBe(1);
    expect(failure?.stderr.trim()).toBe(
      `gatehouse: ${join(dir, 'apk.json')}: endpointConfig.endpoint_security.sandbox.username: contains ":", which ends a Basic user-id (RFC 7617); no Basic client can send it as written, so nothing was imported`,
    );
    expect(failure?.stderr).not.toContain('sandbox-pw-7');
    expect(await readdir(dir)).toEqual(['apk.json']);
  });

  it('refuses a Kyma Secret whose username Basic cannot carry, where the Application sends it as Basic credentials: naming the field, nothing written', async () => {
    const dir = await folder();
    const kyma = kymaBasicDocuments('ad:min');
    await writeFile(join(dir, 'kyma.yaml'), kyma);
    const vault = new SessionVault();
    const run = runImportCommand([join(dir, 'kyma.yaml'), '--namespace', 'kyma-integration', '--workspace', join(dir, 'ws.yaml')], { say: () => undefined, openVault: async () => vault });
    await expect(run).rejects.toThrow(
      `${join(dir, 'kyma.yaml')} (document 2): stringData.username: secret "kyma-integration/kyma-creds" key "username" contains ":", which ends a Basic user-id (RFC 7617); service "commerce/orders" sends it to its backend as Basic credentials, which no Basic client can send as written, so nothing was imported`,
    );
    await run.catch((error: Error) => expect(error.message).not.toContain('Ky2'));
    expect(await readdir(dir)).toEqual(['kyma.yaml']);
    expect(await vault.list()).toEqual([]);
  });

  it('writes a workspace that is a symbolic link where it points, keeping the link', async () => {
    const dir = await folder();
    await writeFile(join(dir, 'real.json'), JSON.stringify({ services: [] }));
    await symlink(join(dir, 'real.json'), join(dir, 'ws.json'));
    await writeFile(join(dir, 'route.json'), route({ uri: '/orders' }));
    const code = await runImportCommand([join(dir, 'route.json'), '--workspace', join(dir, 'ws.json')], { say: () => undefined });
    expect(code).toBe(0);
    expect((await lstat(join(dir, 'ws.json'))).isSymbolicLink()).toBe(true);
    expect(JSON.parse(await readFile(join(dir, 'real.json'), 'utf8'))).toMatchObject({ services: [{ name: 'orders' }] });
  });
});
