// The headless gateway's --kubeconfig/--context read the kubeconfig as kubectl (and the app) do: the
// KUBECONFIG list with missing files skipped and the first file to name a context winning; exec plugins run
// with a deadline (Gatehouse's runner, not client-node's).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { stringify } from 'yaml';
import { clusterAccessFromKubeconfig } from '../../../gateway/cluster/kubeconfig-access';
import { ClusterAccessError } from '../../../gateway/cluster/cluster-access';
import { processRunning } from '../../support/process-running';
import { writeTokenPlugin } from '../../support/exec-plugins';
import { FakeClusterPki } from '../../support/fake-kube-api/pki';
import { HAVE_KUBECTL, kubectl } from '../../support/fake-kube-api/kubectl';

let dir: string;
const config = (context: string, server: string, token: string) =>
  stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: `${context}-cluster`, cluster: { server, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'shared-user', user: { token } }],
    contexts: [{ name: context, context: { cluster: `${context}-cluster`, user: 'shared-user' } }],
    'current-context': context,
  });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gatehouse-kubeconfig-'));
  await writeFile(join(dir, 'first'), config('first', 'https://first.example:6443', 'token-of-first-file'));
  await writeFile(join(dir, 'second'), config('second', 'https://second.example:6443', 'token-of-second-file'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('clusterAccessFromKubeconfig without --kubeconfig', () => {
  it('skips missing files in KUBECONFIG and lets the first file win current-context and same-named users', async () => {
    const before = process.env.KUBECONFIG;
    process.env.KUBECONFIG = [join(dir, 'missing'), join(dir, 'first'), join(dir, 'second')].join(delimiter);
    try {
      const current = await clusterAccessFromKubeconfig();
      expect(current.server).toBe('https://first.example:6443');
      expect(current.authorization).toBe('Bearer token-of-first-file');
      // The second file's context, with the user "shared-user" as the first file defines it (kubectl's rule).
      const second = await clusterAccessFromKubeconfig(undefined, 'second');
      expect(second.server).toBe('https://second.example:6443');
      expect(second.authorization).toBe('Bearer token-of-first-file');
      await expect(clusterAccessFromKubeconfig(undefined, 'third')).rejects.toThrow('kubeconfig: no context "third" (it has first, second)');
    } finally {
      if (before === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = before;
    }
  });
});

describe('clusterAccessFromKubeconfig with a tokenFile', () => {
  it('reads it relative to the kubeconfig\'s folder, not the working folder, and without its trailing newline', async () => {
    const folder = await mkdtemp(join(dir, 'token-file-'));
    await writeFile(join(folder, 'token.txt'), 'token-from-a-file\n');
    await writeFile(join(folder, 'config'), stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:1', 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'u', user: { tokenFile: 'token.txt' } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'x',
    }));
    expect(process.cwd()).not.toBe(folder);
    expect((await clusterAccessFromKubeconfig(join(folder, 'config'))).authorization).toBe('Bearer token-from-a-file');
    await rm(join(folder, 'token.txt'));
    await expect(clusterAccessFromKubeconfig(join(folder, 'config'))).rejects.toThrow(
      `Kubeconfig ${join(folder, 'config')}, user "u": tokenFile: cannot read ${join(folder, 'token.txt')}: no such file or folder (ENOENT)`,
    );
  });
});

describe('clusterAccessFromKubeconfig with insecure-skip-tls-verify and a CA file', () => {
  it('refuses the cluster as kubectl does, where client-node turned verification off with the CA named', async () => {
    const folder = await mkdtemp(join(dir, 'insecure-'));
    await writeFile(join(folder, 'ca.pem'), (await FakeClusterPki.unrelatedCa()).cert);
    await writeFile(join(folder, 'config'), stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'both', cluster: { server: 'https://127.0.0.1:1', 'insecure-skip-tls-verify': true, 'certificate-authority': 'ca.pem' } }],
      users: [{ name: 'u', user: { token: 'a-token' } }],
      contexts: [{ name: 'x', context: { cluster: 'both', user: 'u' } }],
      'current-context': 'x',
    }));
    const error = await clusterAccessFromKubeconfig(join(folder, 'config')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClusterAccessError);
    expect((error as Error).message).toBe(
      `Kubeconfig ${join(folder, 'config')}, cluster "both": insecure-skip-tls-verify is set together with certificate-authority, which kubectl refuses too ("specifying a root certificates file with the insecure flag is not allowed"): remove one of them`,
    );
  });
});

describe('clusterAccessFromKubeconfig with an exec plugin', () => {
  // client-node's own runner waits for a plugin without end: without the deadline this runs into the test's timeout.
  it('kills a plugin that does not finish within the deadline, and says so', { timeout: 15_000 }, async () => {
    const plugin = join(dir, 'hanging-login');
    await writeFile(plugin, '#!/bin/sh\necho $$ > "$0.pid"\nexec sleep 60\n');
    await chmod(plugin, 0o755);
    await writeFile(join(dir, 'exec'), stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:1', 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'u', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: plugin } } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'x',
    }));
    const error = await clusterAccessFromKubeconfig(join(dir, 'exec'), undefined, { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClusterAccessError);
    expect((error as Error).message.startsWith(`kubeconfig ${join(dir, 'exec')}: The credential plugin "${plugin}" failed: did not finish within `)).toBe(true);
    expect((error as ClusterAccessError).hint).toMatch(/^Run the same kubectl command in a terminal/);
    const pid = Number(await readFile(`${plugin}.pid`, 'utf8'));
    await expect.poll(() => processRunning(pid)).toBe(false);
  });
});

describe('clusterAccessFromKubeconfig with an exec plugin that sets provideClusterInfo', () => {
  let file: string;
  let plugin: string;
  let caPem: string;

  beforeAll(async () => {
    const folder = await mkdtemp(join(dir, 'cluster-info-'));
    // A real certificate: kubectl parses the CA before it runs the plugin.
    caPem = (await FakeClusterPki.unrelatedCa()).cert;
    await writeFile(join(folder, 'ca.pem'), caPem);
    // The plugin keeps what it was given beside itself, then prints a token.
    plugin = await writeTokenPlugin(join(folder, 'login.sh'), 'printf \'%s\' "$KUBERNETES_EXEC_INFO" > "$0.exec-info"\n');
    // interactiveMode: kubectl requires it for v1 (Gatehouse never runs a plugin interactively).
    const exec = { apiVersion: 'client.authentication.k8s.io/v1', command: './login.sh', interactiveMode: 'Never', env: [{ name: 'LOGIN_TOKEN', value: 'plugin-token' }] };
    file = join(folder, 'config');
    await writeFile(file, stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'cloud',
          cluster: {
            server: 'https://127.0.0.1:1',
            'certificate-authority': 'ca.pem',
            'tls-server-name': 'api.internal',
            // Nothing listens on port 1: kubectl, which goes on to connect, fails at once.
            'proxy-url': 'http://127.0.0.1:1',
            'disable-compression': true,
            extensions: [{ name: 'other', extension: { ignored: true } }, { name: 'client.authentication.k8s.io/exec', extension: { audience: 'gatehouse-tests' } }],
          },
        },
        { name: 'lab', cluster: { server: 'https://127.0.0.1:1', 'insecure-skip-tls-verify': true } },
      ],
      users: [{ name: 'told', user: { exec: { ...exec, provideClusterInfo: true } } }, { name: 'untold', user: { exec } }],
      contexts: [
        { name: 'cloud-told', context: { cluster: 'cloud', user: 'told' } },
        { name: 'lab-told', context: { cluster: 'lab', user: 'told' } },
        { name: 'cloud-untold', context: { cluster: 'cloud', user: 'untold' } },
      ],
      'current-context': 'cloud-told',
    }));
  });

  const pluginWasGiven = async () => JSON.parse(await readFile(`${plugin}.exec-info`, 'utf8')) as unknown;
  const gatehouseGives = async (context: string) => {
    expect((await clusterAccessFromKubeconfig(file, context)).authorization).toBe('Bearer plugin-token');
    return pluginWasGiven();
  };

  it('tells the plugin its cluster in KUBERNETES_EXEC_INFO, and only when asked', async () => {
    const envelope = (spec: object) => ({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', spec });
    expect(await gatehouseGives('cloud-told')).toEqual(envelope({
      cluster: {
        server: 'https://127.0.0.1:1',
        'tls-server-name': 'api.internal',
        'certificate-authority-data': Buffer.from(caPem).toString('base64'),
        'proxy-url': 'http://127.0.0.1:1',
        'disable-compression': true,
        config: { audience: 'gatehouse-tests' },
      },
      interactive: false,
    }));
    expect(await gatehouseGives('lab-told')).toEqual(envelope({ cluster: { server: 'https://127.0.0.1:1', 'insecure-skip-tls-verify': true, config: null }, interactive: false }));
    expect(await gatehouseGives('cloud-untold')).toEqual(envelope({ interactive: false }));
  });

  it.skipIf(!HAVE_KUBECTL && !process.env.CI)('gives the plugin what the real kubectl gives it', { timeout: 60_000 }, async () => {
    for (const context of ['cloud-told', 'lab-told', 'cloud-untold']) {
      await rm(`${plugin}.exec-info`, { force: true });
      await kubectl(file, ['--context', context, 'get', '--raw', '/version']);
      const fromKubectl = await pluginWasGiven();
      expect(await gatehouseGives(context), context).toEqual(fromKubectl);
    }
  });
});
