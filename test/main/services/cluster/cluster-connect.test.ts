// Connecting with the real @kubernetes/client-node to the fake API server: kubeconfig loading as kubectl does
// it, the connection test, exec plugins through the login shell's PATH, and one clear error per failure.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, mkdir, readFile, rm, writeFile, chmod } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { stringify } from 'yaml';
import { startFakeKubeApi, type FakeKubeApi } from '../../../support/fake-kube-api/index';
import { FakeClusterPki } from '../../../support/fake-kube-api/pki';
import { processRunning } from '../../../support/process-running';
import { writeTokenPlugin } from '../../../support/exec-plugins';
import { HAVE_KUBECTL, kubectl } from '../../../support/fake-kube-api/kubectl';
import {
  BadCertificateError,
  ClusterConnection,
  ClusterTimeoutError,
  ContextError,
  ExecPluginError,
  KubeconfigError,
  UnauthorizedError,
  UnreachableError,
  connectCluster,
  loadKubeconfig,
  readLoginShellPath,
  testConnection,
  mergePaths,
} from '../../../../main/services/cluster/index';
import { ClusterController } from '../../../../main/app/cluster-controller';
import { clusterAccessOf } from '../../../../gateway/cluster/kubeconfig-access';

let api: FakeKubeApi;
let adminToken: string;
let dir: string;

beforeAll(async () => {
  api = await startFakeKubeApi({ namespaces: ['default', 'kyma-system'], crds: ['kyma'] });
  adminToken = api.addUser('admin');
  dir = await mkdtemp(join(tmpdir(), 'gatehouse-kube-'));
});
afterAll(() => api?.close());

async function kubeconfigFile(name: string, content: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, content, { mode: 0o600 });
  return file;
}

async function connect(file: string, options: { context?: string; namespace?: string; timeoutMs?: number } = {}) {
  return ClusterConnection.open(loadKubeconfig({ files: [file] }), options);
}

describe('kubeconfig loading, as kubectl does it', () => {
  it('merges the KUBECONFIG list: missing files skipped, the first file to define a name wins, the first current-context wins', async () => {
    const first = await api.writeKubeconfig({ credentials: { token: adminToken }, context: 'dev', namespace: 'kyma-system' }, dir);
    const second = await kubeconfigFile(
      'second.yaml',
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        'current-context': 'prod',
        clusters: [{ name: 'prod-cluster', cluster: { server: 'https://prod.example.com:6443' } }, { name: 'dev-cluster', cluster: { server: 'https://shadowed.example.com' } }],
        users: [{ name: 'prod-user', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'kubectl', args: ['oidc-login', 'get-token'] } } }],
        contexts: [{ name: 'prod', context: { cluster: 'prod-cluster', user: 'prod-user' } }],
      }),
    );
    const loaded = loadKubeconfig({ env: { KUBECONFIG: [join(dir, 'missing.yaml'), first, second].join(delimiter) } });
    expect(loaded.files).toEqual([first, second]);
    expect(loaded.currentContext).toBe('dev');
    expect(loaded.contexts).toEqual([
      { name: 'dev', cluster: 'dev-cluster', user: 'dev-user', namespace: 'kyma-system', server: api.url, auth: 'token' },
      { name: 'prod', cluster: 'prod-cluster', user: 'prod-user', namespace: 'default', server: 'https://prod.example.com:6443', auth: 'exec', execCommand: 'kubectl' },
    ]);
  });

  it('falls back to ~/.kube/config when KUBECONFIG is unset', async () => {
    const home = await mkdtemp(join(tmpdir(), 'home-'));
    await mkdir(join(home, '.kube'));
    await writeFile(join(home, '.kube', 'config'), api.kubeconfig({ credentials: { token: adminToken }, context: 'home' }));
    const loaded = loadKubeconfig({ env: {}, homeDir: home });
    expect(loaded.currentContext).toBe('home');
    expect(() => loadKubeconfig({ env: {}, homeDir: dir })).toThrow(/No kubeconfig found: .*\.kube\/config does not exist/);
  });

  it('reports a broken kubeconfig with its file and the problem, never its contents', async () => {
    const broken = await kubeconfigFile('broken.yaml', 'apiVersion: v1\nusers:\n- name: u\n  user:\n    token: sha256~TOPSECRET\n   bad: [indent\n');
    let error: unknown;
    try {
      loadKubeconfig({ files: [broken] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KubeconfigError);
    expect((error as KubeconfigError).code).toBe('GATEHOUSE_CLUSTER_KUBECONFIG');
    expect((error as Error).message).toContain(broken);
    expect((error as Error).message).not.toContain('TOPSECRET');
    // js-yaml quotes what it could not read: an alias or a tag standing where the token's value goes.
    for (const token of ['*TOPSECRET-alias', '!TOPSECRET-tag x']) {
      const quoted = await kubeconfigFile('quoted.yaml', `apiVersion: v1\nusers:\n- name: u\n  user:\n    token: ${token}\n`);
      expect(() => loadKubeconfig({ files: [quoted] })).toThrow(KubeconfigError);
      expect(() => loadKubeconfig({ files: [quoted] })).not.toThrow(/TOPSECRET/);
    }
    const noServer = await kubeconfigFile('no-server.yaml', stringify({ clusters: [{ name: 'c', cluster: {} }], users: [], contexts: [] }));
    expect(() => loadKubeconfig({ files: [noServer] })).toThrow(KubeconfigError);
    expect(() => loadKubeconfig({ files: [join(dir, 'absent.yaml')] })).toThrow(/Cannot read kubeconfig .*absent\.yaml: no such file/);
  });

  it('names a context that is not there', async () => {
    const file = await api.writeKubeconfig({ credentials: { token: adminToken }, context: 'only' }, dir);
    expect(() => ClusterConnection.open(loadKubeconfig({ files: [file] }), { context: 'elsewhere' })).toThrow(ContextError);
    expect(() => ClusterConnection.open(loadKubeconfig({ files: [file] }), { context: 'elsewhere' })).toThrow(/No context "elsewhere" in the kubeconfig \(have: only\)/);
  });
});

describe('files a kubeconfig names, read as kubectl reads them', () => {
  /** A kubeconfig in a folder of its own, away from the tests' working folder, with the user (and cluster fields) given. */
  async function ownFolderKubeconfig(context: string, user: Record<string, unknown>, cluster: Record<string, unknown> = {}): Promise<{ folder: string; file: string }> {
    const folder = await mkdtemp(join(tmpdir(), `gatehouse-kube-${context}-`));
    const file = join(folder, 'config');
    await writeFile(file, stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': context,
      clusters: [{ name: `${context}-cluster`, cluster: { server: api.url, 'certificate-authority-data': Buffer.from(api.caPem).toString('base64'), ...cluster } }],
      users: [{ name: `${context}-user`, user }],
      contexts: [{ name: context, context: { cluster: `${context}-cluster`, user: `${context}-user` } }],
    }), { mode: 0o600 });
    return { folder, file };
  }

  it('tokenFile: relative to the kubeconfig\'s folder, its trailing newline dropped (client-node read neither)', async () => {
    const token = api.addUser('from-token-file');
    const { folder, file } = await ownFolderKubeconfig('token-file', { tokenFile: 'token.txt' });
    await writeFile(join(folder, 'token.txt'), `${token}\n`, { mode: 0o600 });
    expect(process.cwd()).not.toBe(folder);
    expect(loadKubeconfig({ files: [file] }).contexts[0]?.auth).toBe('token');
    const report = await testConnection(await connect(file));
    expect(report.serverVersion).toBe('v1.32.4');
    expect(api.requests.at(-1)?.user).toBe('from-token-file');
  });

  it('a tokenFile that cannot be read, or client-node\'s "token-file": KubeconfigError naming the entry and field, nothing sent', async () => {
    const { folder, file } = await ownFolderKubeconfig('no-token-file', { tokenFile: 'token.txt' });
    const misspelt = await ownFolderKubeconfig('misspelt', { 'token-file': 'token.txt' });
    const before = api.requests.length;
    await expect(connect(file)).rejects.toThrow(KubeconfigError);
    expect(() => ClusterConnection.open(loadKubeconfig({ files: [file] }))).toThrow(
      `Kubeconfig ${file}, user "no-token-file-user": tokenFile: cannot read ${join(folder, 'token.txt')}: no such file or folder (ENOENT)`,
    );
    await writeFile(join(folder, 'token.txt'), '\n');
    expect(() => ClusterConnection.open(loadKubeconfig({ files: [file] }))).toThrow(`user "no-token-file-user": tokenFile: ${join(folder, 'token.txt')} is empty`);
    expect(() => ClusterConnection.open(loadKubeconfig({ files: [misspelt.file] }))).toThrow(
      `Kubeconfig ${misspelt.file}, user "misspelt-user": "token-file" is not a kubeconfig field (kubectl reads "tokenFile", relative to the kubeconfig's folder)`,
    );
    expect(api.requests.length).toBe(before);
  });

  describe('a tokenFile rotated while the connection is open (a projected service-account token the kubelet renews)', () => {
    /** A kubeconfig whose user reads its token from `token` beside it, holding `token` now. */
    async function rotating(context: string, token: string): Promise<{ file: string; tokenPath: string }> {
      const { folder, file } = await ownFolderKubeconfig(context, { tokenFile: 'token' });
      const tokenPath = join(folder, 'token');
      await writeFile(tokenPath, `${token}\n`, { mode: 0o600 });
      return { file, tokenPath };
    }

    it('is read again once 50 s have passed since its last read, as client-go does (a minute less 10 s leeway); a failed read keeps the last token', async () => {
      const [before, after, third] = ['sa-before-rotation', 'sa-after-rotation', 'sa-third-rotation'].map((name) => api.addUser(name));
      const { file, tokenPath } = await rotating('rotating', before!);
      // The clock the re-reads follow, moved by the test instead of waiting a minute.
      let now = 1_000_000;
      const connection = ClusterConnection.open(loadKubeconfig({ files: [file] }), { now: () => now });
      const sentBy = async () => {
        await connection.call('Reading namespace default', () => connection.core.readNamespace({ name: 'default' }));
        return api.requests.at(-1)?.user;
      };
      expect(await sentBy()).toBe('sa-before-rotation');
      await writeFile(tokenPath, `${after}\n`);
      now += 49_999;
      expect(await sentBy()).toBe('sa-before-rotation');
      now += 1;
      expect(await sentBy()).toBe('sa-after-rotation');
      // What the gateway is given for serviceInfo backends comes from the same read, with the file to read it again from.
      expect(await clusterAccessOf(connection.kubeConfig)).toMatchObject({ authorization: `Bearer ${after}`, tokenFile: tokenPath });
      // Gone, or empty while the kubelet writes it: the last token read is sent, and the file tried again at each request.
      await rm(tokenPath);
      now += 60_000;
      expect(await sentBy()).toBe('sa-after-rotation');
      await writeFile(tokenPath, '');
      expect(await sentBy()).toBe('sa-after-rotation');
      await writeFile(tokenPath, third!);
      expect(await sentBy()).toBe('sa-third-rotation');
    });

    it('on a 401 the app\'s connection reads it again at once and repeats the call once with the rotated token; a refused token the file still holds is named', async () => {
      const [before, after] = ['sa-refused-then-rotated', 'sa-rotated-in-time'].map((name) => api.addUser(name));
      const { file, tokenPath } = await rotating('rotated-on-401', before!);
      const notRead = () => {
        throw new Error('not read by this test');
      };
      const controller = new ClusterController({ workspace: notRead, vault: notRead, kubeconfigFiles: () => [file], loginShell: false });
      await controller.connect({ test: false });
      const secrets = controller.secretSource()!;
      const readAbsent = () => secrets.read({ name: 'absent', namespace: 'default' });
      expect(await readAbsent()).toBeUndefined();
      expect(api.requests.at(-1)).toMatchObject({ user: 'sa-refused-then-rotated', status: 404 });

      // Rotated and the old token revoked within the minute: no clock moves, the 401 makes the read.
      await writeFile(tokenPath, after!);
      api.authenticator.expireToken(before!);
      let seen = api.requests.length;
      expect(await readAbsent()).toBeUndefined();
      expect(api.requests.slice(seen).map((r) => [r.status, r.user ?? null])).toEqual([[401, null], [404, 'sa-rotated-in-time']]);

      // Refused with nothing newer in the file: one request, and the error names the file.
      api.authenticator.expireToken(after!);
      seen = api.requests.length;
      const refused = (await readAbsent().catch((e: unknown) => e)) as UnauthorizedError;
      expect(refused).toBeInstanceOf(UnauthorizedError);
      expect(refused.message).toBe(`The API server ${api.url} did not accept the credentials of user "rotated-on-401-user" (401 Unauthorized): the token in its tokenFile ${tokenPath}, read again just now, is expired or invalid.`);
      expect(refused.hint).toBe(`Put a current token in ${tokenPath}: it is read again every minute, and at once when the API server refuses a token.`);
      expect(api.requests.length).toBe(seen + 1);
      await rm(tokenPath);
      const gone = (await readAbsent().catch((e: unknown) => e)) as UnauthorizedError;
      expect(gone.message).toBe(
        `The API server ${api.url} did not accept the credentials of user "rotated-on-401-user" (401 Unauthorized): its tokenFile could not be read again (cannot read ${tokenPath}: no such file or folder (ENOENT)), and the token sent in its place is expired or invalid.`,
      );
      expect(`${refused.message}${gone.message}`).not.toContain(after!);
    });
  });

  describe('certificate, key and CA files', () => {
    let folder: string;
    let file: string;

    beforeAll(async () => {
      folder = await mkdtemp(join(tmpdir(), 'gatehouse-kube-files-'));
      const cert = await api.clientCertificate('admin', []);
      await writeFile(join(folder, 'admin.crt'), cert.cert);
      await writeFile(join(folder, 'admin.key'), cert.key, { mode: 0o600 });
      await writeFile(join(folder, 'ca.crt'), api.caPem);
      await mkdir(join(folder, 'ca.d'));
      file = join(folder, 'config');
      await writeFile(file, stringify({
        apiVersion: 'v1',
        kind: 'Config',
        'current-context': 'fine',
        clusters: [{ name: 'c', cluster: { server: api.url, 'certificate-authority': 'ca.crt' } }, { name: 'folder-ca', cluster: { server: api.url, 'certificate-authority': 'ca.d' } }],
        users: [
          { name: 'admin', user: { 'client-certificate': 'admin.crt', 'client-key': 'admin.key' } },
          { name: 'gone', user: { 'client-certificate': 'gone.crt', 'client-key': 'gone.key' } },
        ],
        contexts: [
          { name: 'fine', context: { cluster: 'c', user: 'admin' } },
          { name: 'missing-files', context: { cluster: 'c', user: 'gone' } },
          { name: 'ca-is-a-folder', context: { cluster: 'folder-ca', user: 'admin' } },
        ],
      }), { mode: 0o600 });
    });

    it('one that cannot be read: KubeconfigError naming the entry, the field, the file and why, before any request; other contexts work', async () => {
      const before = api.requests.length;
      const open = (context: string) => () => ClusterConnection.open(loadKubeconfig({ files: [file] }), { context });
      expect(open('missing-files')).toThrow(KubeconfigError);
      expect(open('missing-files')).toThrow(
        `Kubeconfig ${file}, user "gone": client-certificate: cannot read ${join(folder, 'gone.crt')}: no such file or folder (ENOENT); ` +
          `Kubeconfig ${file}, user "gone": client-key: cannot read ${join(folder, 'gone.key')}: no such file or folder (ENOENT)`,
      );
      expect(open('ca-is-a-folder')).toThrow(`Kubeconfig ${file}, cluster "folder-ca": certificate-authority: cannot read ${join(folder, 'ca.d')}: it is a folder (EISDIR)`);
      expect(api.requests.length).toBe(before);
      // The files named relative to the kubeconfig's folder, read from there.
      const report = await testConnection(open('fine')());
      expect(report.user).toBe('admin');
      expect(api.requests.at(-1)?.user).toBe('admin');
    });

    it('one gone after the kubeconfig was read: KubeconfigError naming it, not "The API server answered 0", nothing sent', async () => {
      const late = join(folder, 'late');
      await mkdir(late);
      for (const name of ['admin.crt', 'admin.key', 'ca.crt', 'config']) await writeFile(join(late, name), await readFile(join(folder, name)));
      const connection = ClusterConnection.open(loadKubeconfig({ files: [join(late, 'config')] }), { context: 'fine' });
      await rm(join(late, 'admin.crt'));
      const before = api.requests.length;
      const error = await testConnection(connection).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KubeconfigError);
      expect((error as Error).message).toBe(`The kubeconfig names ${join(late, 'admin.crt')}, which cannot be read: no such file or folder (ENOENT); nothing was sent to ${api.url}`);
      expect(api.requests.length).toBe(before);
    });
  });

  it('insecure-skip-tls-verify with a CA: refused naming the cluster, before any request, as kubectl refuses it', async () => {
    const { file } = await ownFolderKubeconfig('insecure-with-ca', { token: adminToken }, { 'insecure-skip-tls-verify': true });
    const before = api.requests.length;
    expect(() => ClusterConnection.open(loadKubeconfig({ files: [file] }))).toThrow(KubeconfigError);
    expect(() => ClusterConnection.open(loadKubeconfig({ files: [file] }))).toThrow(
      `Kubeconfig ${file}, cluster "insecure-with-ca-cluster": insecure-skip-tls-verify is set together with certificate-authority-data, which kubectl refuses too ("specifying a root certificates file with the insecure flag is not allowed"): remove one of them`,
    );
    expect(api.requests.length).toBe(before);
  });

  it.skipIf(!HAVE_KUBECTL && !process.env.CI)('the real kubectl refuses insecure-skip-tls-verify with a CA too', async () => {
    const { file } = await ownFolderKubeconfig('kubectl-insecure-with-ca', { token: adminToken }, { 'insecure-skip-tls-verify': true });
    const run = await kubectl(file, ['get', '--raw', '/version']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('specifying a root certificates file with the insecure flag is not allowed');
  });

  it('client-key-data that is not base64 as kubectl reads it (a space in it): refused naming the user and field, nothing sent (client-node skipped the space and connected)', async () => {
    const cert = await api.clientCertificate('admin', []);
    const base64 = (pem: string) => Buffer.from(pem).toString('base64');
    const keyData = base64(cert.key);
    const spaced = `${keyData.slice(0, 40)} ${keyData.slice(40)}`;
    const { file } = await ownFolderKubeconfig('spaced-key', { 'client-certificate-data': base64(cert.cert), 'client-key-data': spaced });
    const before = api.requests.length;
    const refused = (await connect(file).catch((e: unknown) => e)) as KubeconfigError;
    expect(refused).toBeInstanceOf(KubeconfigError);
    expect(refused.message).toBe(
      `Kubeconfig ${file} is not valid: users[0].user.client-key-data (in user "spaced-key-user"): not valid base64, which kubectl refuses ("illegal base64 data at input byte 40"): ` +
        'write the file\'s contents base64-encoded, padded with = to a multiple of 4 characters (base64 -w0 FILE)',
    );
    expect(refused.message).not.toContain(keyData.slice(0, 40));
    expect(api.requests.length).toBe(before);
  });

  describe('a CA, client certificate or key given both as a file and inline', () => {
    /** Cluster "both-cluster" names the CA both ways; user "both-user" the certificate and key; "key-only-user" only the key, with a token. */
    async function bothWays(): Promise<string> {
      const folder = await mkdtemp(join(tmpdir(), 'gatehouse-kube-both-'));
      const cert = await api.clientCertificate('admin', []);
      await writeFile(join(folder, 'ca.crt'), api.caPem);
      await writeFile(join(folder, 'admin.crt'), cert.cert);
      await writeFile(join(folder, 'admin.key'), cert.key, { mode: 0o600 });
      const inline = (pem: string) => Buffer.from(pem).toString('base64');
      const file = join(folder, 'config');
      await writeFile(file, stringify({
        apiVersion: 'v1',
        kind: 'Config',
        'current-context': 'both',
        clusters: [
          { name: 'both-cluster', cluster: { server: api.url, 'certificate-authority': 'ca.crt', 'certificate-authority-data': inline(api.caPem) } },
          { name: 'fine-cluster', cluster: { server: api.url, 'certificate-authority': 'ca.crt' } },
        ],
        users: [
          { name: 'both-user', user: { 'client-certificate': 'admin.crt', 'client-certificate-data': inline(cert.cert), 'client-key': 'admin.key', 'client-key-data': inline(cert.key) } },
          { name: 'key-only-user', user: { token: adminToken, 'client-key': 'admin.key', 'client-key-data': inline(cert.key) } },
          { name: 'no-key-user', user: { 'client-certificate-data': inline(cert.cert) } },
        ],
        contexts: [
          { name: 'both', context: { cluster: 'both-cluster', user: 'both-user' } },
          { name: 'key-only', context: { cluster: 'fine-cluster', user: 'key-only-user' } },
          { name: 'no-key', context: { cluster: 'fine-cluster', user: 'no-key-user' } },
        ],
      }), { mode: 0o600 });
      return file;
    }

    it('refused naming the entry and both fields, in kubectl\'s words, before any request; a key alone with no certificate is not checked, as kubectl does not', async () => {
      const file = await bothWays();
      const before = api.requests.length;
      const open = (context: string) => () => ClusterConnection.open(loadKubeconfig({ files: [file] }), { context });
      expect(open('both')).toThrow(KubeconfigError);
      expect(open('both')).toThrow(
        `Kubeconfig ${file}, cluster "both-cluster": certificate-authority and certificate-authority-data are both set, which kubectl refuses ("certificate-authority-data and certificate-authority are both specified for both-cluster. certificate-authority-data will override."): remove one of them`,
      );
      expect(open('both')).toThrow(
        `Kubeconfig ${file}, user "both-user": client-certificate and client-certificate-data are both set, which kubectl refuses ("client-cert-data and client-cert are both specified for both-user. client-cert-data will override."): remove one of them; ` +
          `Kubeconfig ${file}, user "both-user": client-key and client-key-data are both set, which kubectl refuses ("client-key-data and client-key are both specified for both-user; client-key-data will override"): remove one of them`,
      );
      expect(open('no-key')).toThrow(
        `Kubeconfig ${file}, user "no-key-user": client-certificate-data is set without client-key or client-key-data, which kubectl refuses ("client-key-data or client-key must be specified for no-key-user to use the clientCert authentication method."): add the certificate's key`,
      );
      // The key's inline value is never quoted.
      expect(open('both')).not.toThrow(/PRIVATE KEY|LS0t/);
      expect(api.requests.length).toBe(before);
      expect((await testConnection(open('key-only')())).user).toBe('key-only-user');
    });

    it.skipIf(!HAVE_KUBECTL && !process.env.CI)('the real kubectl refuses the same entries, and takes a key alone', async () => {
      const file = await bothWays();
      const both = await kubectl(file, ['--context', 'both', 'get', '--raw', '/version']);
      expect(both.code).not.toBe(0);
      expect(both.stderr).toContain('certificate-authority-data and certificate-authority are both specified for both-cluster. certificate-authority-data will override.');
      expect(both.stderr).toContain('client-cert-data and client-cert are both specified for both-user. client-cert-data will override.');
      expect(both.stderr).toContain('client-key-data and client-key are both specified for both-user; client-key-data will override');
      const noKey = await kubectl(file, ['--context', 'no-key', 'get', '--raw', '/version']);
      expect(noKey.stderr).toContain('client-key-data or client-key must be specified for no-key-user to use the clientCert authentication method.');
      const keyOnly = await kubectl(file, ['--context', 'key-only', 'get', '--raw', '/version']);
      expect(keyOnly.stderr).toBe('');
      expect(JSON.parse(keyOnly.stdout)).toMatchObject({ gitVersion: 'v1.32.4' });
    });
  });

  it('an exec command with a path in it (./login.sh) is relative to the kubeconfig\'s folder; a missing one is named as a file', async () => {
    const token = api.addUser('relative-plugin');
    const exec = { apiVersion: 'client.authentication.k8s.io/v1', command: './login.sh', env: [{ name: 'LOGIN_TOKEN', value: token }] };
    const { folder, file } = await ownFolderKubeconfig('relative-exec', { exec });
    await writeTokenPlugin(join(folder, 'login.sh'));
    expect(process.cwd()).not.toBe(folder);
    expect(loadKubeconfig({ files: [file] }).contexts[0]?.execCommand).toBe(join(folder, 'login.sh'));
    const { connection } = await connectCluster({ kubeconfig: { files: [file] }, loginShell: false });
    expect((await testConnection(connection)).serverVersion).toBe('v1.32.4');
    expect(api.requests.at(-1)?.user).toBe('relative-plugin');
    const absent = await ownFolderKubeconfig('absent-exec', { exec: { ...exec, command: './absent.sh' } });
    const error = await testConnection((await connectCluster({ kubeconfig: { files: [absent.file] }, loginShell: false })).connection).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExecPluginError);
    expect((error as Error).message).toBe(`The credential plugin "${join(absent.folder, 'absent.sh')}" failed: no such file or folder (ENOENT)`);
  });
});

describe('test connection', () => {
  it('reports server, version, user, every permission and the CRDs served', async () => {
    const connection = await connect(await api.writeKubeconfig({ credentials: { token: adminToken }, context: 'admin', namespace: 'kyma-system' }, dir));
    const report = await testConnection(connection);
    expect(report).toMatchObject({ context: 'admin', server: api.url, user: 'admin-user', namespace: 'kyma-system', serverVersion: 'v1.32.4', missing: [] });
    expect(report.permissions).toHaveLength(10);
    expect(report.permissions.every((p) => p.allowed)).toBe(true);
    expect(report.targets).toMatchObject({ kymaApplications: true, apkBackends: false, apisix: false });
    expect(report.namespaceMissing).toBeUndefined();
  });

  it('says when the namespace is not on the cluster, and says nothing of it to a user who may not read namespaces', async () => {
    const missing = await testConnection(await connect(await api.writeKubeconfig({ credentials: { token: adminToken }, context: 'admin-missing', namespace: 'no-such-ns' }, dir)));
    expect(missing).toMatchObject({ namespace: 'no-such-ns', namespaceMissing: true });
    // A user bound to its namespace alone: reading it is forbidden, which says nothing either way.
    api.authorizer.setRules('secrets-only', [{ verbs: ['get', 'list', 'create', 'patch', 'delete'], apiGroups: [''], resources: ['secrets'], namespaces: ['kyma-system'] }]);
    const cert = await api.clientCertificate('secrets-only', []);
    const bound = await testConnection(await connect(await api.writeKubeconfig({ credentials: { cert }, context: 'secrets-only', namespace: 'kyma-system' }, dir)));
    expect(bound.namespaceMissing).toBeUndefined();
  });

  it('names each missing permission for a restricted user (client certificate)', async () => {
    api.authorizer.setRules('deployer', [
      { verbs: ['get', 'list', 'create'], apiGroups: [''], resources: ['secrets'], namespaces: ['kyma-system'] },
      { verbs: ['get', 'list'], apiGroups: ['applicationconnector.kyma-project.io'], resources: ['applications'] },
    ]);
    const cert = await api.clientCertificate('deployer', ['deployers']);
    const connection = await connect(await api.writeKubeconfig({ credentials: { cert }, context: 'deployer', namespace: 'kyma-system' }, dir));
    const report = await testConnection(connection);
    expect(report.missing).toEqual([
      'patch secrets in namespace kyma-system',
      'delete secrets in namespace kyma-system',
      'create applications.applicationconnector.kyma-project.io (cluster-wide)',
      'patch applications.applicationconnector.kyma-project.io (cluster-wide)',
      'delete applications.applicationconnector.kyma-project.io (cluster-wide)',
    ]);
    expect(report.permissions.find((p) => p.verb === 'create' && p.resource === 'secrets')?.reason).toMatch(/RBAC: allowed by RoleBinding/);
  });
});

describe('one clear error per failure', () => {
  it('a server certificate outside the kubeconfig CA: BadCertificateError', async () => {
    const foreign = await FakeClusterPki.unrelatedCa();
    const connection = await connect(await api.writeKubeconfig({ credentials: { token: adminToken }, caPem: foreign.cert, context: 'bad-ca' }, dir));
    const error = await testConnection(connection).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadCertificateError);
    expect((error as BadCertificateError).code).toBe('GATEHOUSE_CLUSTER_BAD_CERTIFICATE');
    expect((error as Error).message).toContain(api.url);
  });

  it('a wrong or expired token, an expired client certificate: UnauthorizedError without the token', async () => {
    const wrong = await connect(await api.writeKubeconfig({ credentials: { token: 'not-a-valid-token-123' }, context: 'wrong-token' }, dir));
    const error = await testConnection(wrong).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect((error as UnauthorizedError).code).toBe('GATEHOUSE_CLUSTER_UNAUTHORIZED');
    expect((error as Error).message).not.toContain('not-a-valid-token-123');
    const token = api.addUser('leaver');
    api.authenticator.expireToken(token);
    const expired = await connect(await api.writeKubeconfig({ credentials: { token }, context: 'expired' }, dir));
    await expect(testConnection(expired)).rejects.toBeInstanceOf(UnauthorizedError);
    const oldCert = await api.clientCertificate('admin', [], { expired: true });
    const oldCertConnection = await connect(await api.writeKubeconfig({ credentials: { cert: oldCert }, context: 'old-cert' }, dir));
    await expect(testConnection(oldCertConnection)).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('a token HTTP cannot carry (a stray control character, a character past Latin-1): KubeconfigError that quotes none of it, nothing sent', async () => {
    // A listener that only counts connections: "nothing was sent" means nothing reached it.
    const listener = createServer((socket) => socket.destroy());
    let connections = 0;
    listener.on('connection', () => connections++);
    listener.listen(0, '127.0.0.1');
    await once(listener, 'listening');
    const server = `https://127.0.0.1:${(listener.address() as { port: number }).port}`;
    try {
      // No space in them: a space is refused by the kubeconfig's own check (the test below).
      for (const token of ['S3CR3T-pasted-token-7f3a\u0007', 'S3CR3T-inner\u0000-token-7f3a', 'S3CR3T-non-latin-token-7f3a-\u2603x']) {
        const file = await kubeconfigFile(
          'pasted.yaml',
          stringify({
            apiVersion: 'v1',
            kind: 'Config',
            'current-context': 'pasted',
            clusters: [{ name: 'c', cluster: { server, 'insecure-skip-tls-verify': true } }],
            users: [{ name: 'pasted-user', user: { token } }],
            contexts: [{ name: 'pasted', context: { cluster: 'c', user: 'pasted-user' } }],
          }),
        );
        const error = (await testConnection(await connect(file)).catch((e: unknown) => e)) as KubeconfigError;
        expect(error).toBeInstanceOf(KubeconfigError);
        expect(error.message).toMatch(/^user "pasted-user": its credentials cannot be sent in an HTTP header/);
        expect(`${error.message} ${error.hint}`).not.toMatch(/S3CR3T|token-7f3a/);
      }
      expect(connections).toBe(0);
    } finally {
      listener.close();
    }
  });

  it('a kubeconfig token with a space (pasted with "Bearer " in front) is refused before anything is sent, naming the field and never the token', async () => {
    let connections = 0;
    const listener = createServer();
    listener.on('connection', () => connections++);
    listener.listen(0, '127.0.0.1');
    await once(listener, 'listening');
    const server = `https://127.0.0.1:${(listener.address() as { port: number }).port}`;
    try {
      for (const [token, says] of [['Bearer S3CR3T-pasted-token-7f3a', 'remove the "Bearer " in front of it'], ['S3CR3T-inner token-7f3a', 'nothing was sent']]) {
        const file = await kubeconfigFile(
          'spaced.yaml',
          stringify({
            apiVersion: 'v1',
            kind: 'Config',
            'current-context': 'spaced',
            clusters: [{ name: 'c', cluster: { server, 'insecure-skip-tls-verify': true } }],
            users: [{ name: 'spaced-user', user: { token } }],
            contexts: [{ name: 'spaced', context: { cluster: 'c', user: 'spaced-user' } }],
          }),
        );
        const error = (await connect(file).then(testConnection).catch((e: unknown) => e)) as KubeconfigError;
        expect(error).toBeInstanceOf(KubeconfigError);
        expect(error.message).toMatch(/user "spaced-user": token: the token holds a space or line break, which no bearer token has \(RFC 6750\)/);
        expect(error.message).toContain(says);
        expect(`${error.message} ${error.hint}`).not.toMatch(/S3CR3T|token-7f3a/);
      }
      expect(connections).toBe(0);
    } finally {
      listener.close();
    }
  });

  it('a client key that is not the certificate\'s, or that cannot be read: KubeconfigError, not the server\'s certificate', async () => {
    const cert = await api.clientCertificate('admin', []);
    const otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const cases = [
      { context: 'other-key', key: otherKey, says: 'the client key does not belong to the client certificate (ERR_OSSL_X509_KEY_VALUES_MISMATCH)' },
      { context: 'garbled-key', key: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n', says: 'a certificate or key in it cannot be read' },
    ];
    for (const { context, key, says } of cases) {
      const connection = await connect(await api.writeKubeconfig({ credentials: { cert: { cert: cert.cert, key } }, context }, dir));
      const error = (await testConnection(connection).catch((e: unknown) => e)) as KubeconfigError;
      expect(error).toBeInstanceOf(KubeconfigError);
      expect(error.message.startsWith(`user "${context}-user": the kubeconfig's certificates cannot be used: `)).toBe(true);
      expect(error.message).toContain(says);
      expect(error.message).toContain(`nothing was sent to ${api.url}`);
    }
  });

  it('nothing listening: UnreachableError', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as { port: number }).port;
    closed.close();
    const connection = await connect(await api.writeKubeconfig({ credentials: { token: adminToken }, server: `https://127.0.0.1:${port}`, context: 'closed' }, dir));
    const error = await testConnection(connection).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnreachableError);
    expect((error as Error).message).toMatch(/connection refused/);
  });

  it('a server that accepts and never answers: ClusterTimeoutError after the per-call timeout', async () => {
    const silent: Server = createServer(() => undefined);
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const port = (silent.address() as { port: number }).port;
    try {
      const connection = await connect(await api.writeKubeconfig({ credentials: { token: adminToken }, server: `https://127.0.0.1:${port}`, context: 'silent' }, dir), { timeoutMs: 400 });
      // The server never answers, so only the per-call timeout can end the call (without it, the test's own timeout does).
      const error = await testConnection(connection).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ClusterTimeoutError);
      expect((error as ClusterTimeoutError).code).toBe('GATEHOUSE_CLUSTER_TIMEOUT');
    } finally {
      silent.close();
    }
  });
});

describe('exec credential plugins from a GUI launch', () => {
  async function execKubeconfig(command: string, context: string): Promise<string> {
    const token = api.addUser(`oidc-${context}`);
    return kubeconfigFile(
      `${context}.yaml`,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        'current-context': context,
        clusters: [{ name: 'c', cluster: { server: api.url, 'certificate-authority-data': Buffer.from(api.caPem).toString('base64') } }],
        users: [{ name: 'u', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command, args: ['get-token'], env: [{ name: 'LOGIN_TOKEN', value: token }] } } }],
        contexts: [{ name: context, context: { cluster: 'c', user: 'u' } }],
      }),
    );
  }

  it('finds the plugin on the login shell PATH and authenticates with its token', async () => {
    const bin = await mkdtemp(join(tmpdir(), 'login-bin-'));
    await writeTokenPlugin(join(bin, 'kubectl-fake_login'));
    const file = await execKubeconfig('kubectl-fake_login', 'oidc');
    const shellPath = `${bin}${delimiter}/usr/bin${delimiter}/bin`;
    const { connection, pathProblem } = await connectCluster({
      kubeconfig: { files: [file] },
      loginShell: { shell: '/bin/zsh', run: async () => `Welcome!\n__GATEHOUSE_PATH_START__${shellPath}__GATEHOUSE_PATH_END__` },
    });
    expect(pathProblem).toBeUndefined();
    expect(connection.usesExec).toBe(true);
    const report = await testConnection(connection);
    expect(report.serverVersion).toBe('v1.32.4');
    expect(report.missing).toEqual([]);
    const without = await connectCluster({ kubeconfig: { files: [file] }, loginShell: false });
    const error = await testConnection(without.connection).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExecPluginError);
    expect((error as Error).message).toContain('"kubectl-fake_login" failed: command not found on the PATH');
  });

  it('kills a plugin that hangs, and says so', async () => {
    const bin = await mkdtemp(join(tmpdir(), 'hang-bin-'));
    // The plugin writes its pid, then never finishes on its own within the test's timeout.
    await writeFile(join(bin, 'hanging-login'), '#!/bin/sh\necho $$ > "$0.pid"\nexec sleep 60\n');
    await chmod(join(bin, 'hanging-login'), 0o755);
    const file = await execKubeconfig(join(bin, 'hanging-login'), 'hang');
    const { connection } = await connectCluster({ kubeconfig: { files: [file] }, loginShell: false, execTimeoutMs: 300 });
    const error = await testConnection(connection).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExecPluginError);
    expect((error as Error).message).toMatch(/did not finish within/);
    const pid = Number(await readFile(join(bin, 'hanging-login.pid'), 'utf8'));
    await expect.poll(() => processRunning(pid)).toBe(false);
  });

  it('reads PATH from a real login shell, ignoring what its rc files print', async () => {
    const home = await mkdtemp(join(tmpdir(), 'shell-home-'));
    await writeFile(join(home, '.bash_profile'), 'echo "Good morning"\nexport PATH="/opt/from-profile/bin:$PATH"\n');
    const previousHome = process.env.HOME;
    process.env.HOME = home;
    try {
      const result = await readLoginShellPath({ shell: '/bin/bash', timeoutMs: 5000 });
      expect(result.problem).toBeUndefined();
      expect(result.path?.split(delimiter)[0]).toBe('/opt/from-profile/bin');
      expect(result.path).not.toContain('Good morning');
    } finally {
      process.env.HOME = previousHome;
    }
    const slowShell = join(home, 'slow-shell');
    await writeFile(slowShell, '#!/bin/sh\nsleep 10\n');
    await chmod(slowShell, 0o755);
    expect((await readLoginShellPath({ shell: slowShell, timeoutMs: 300 })).problem).toMatch(/did not print PATH within 300 ms/);
    expect(await readLoginShellPath({ platform: 'win32' })).toEqual({ problem: expect.stringContaining('Windows') });
    expect(mergePaths('/a:/b', '/b:/c')).toBe(['/a', '/b', '/c'].join(delimiter));
  });
});
