// The headless gateway's --kubeconfig/--context read the kubeconfig as kubectl (and the app) do: the
// KUBECONFIG list with missing files skipped and the first file to name a context winning.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { stringify } from 'yaml';
import { clusterAccessFromKubeconfig } from '../../../gateway/cluster/kubeconfig-access';

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
