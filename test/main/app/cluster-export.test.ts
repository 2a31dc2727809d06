// The app's Export ('cluster:export') says what the CLI's `export` says: every workspace item left out, whole or in
// part, with why, in the same lines, and how many objects the file holds; with none, no file of comments but why
// there is nothing to export. Through the real dispatcher, store and cluster controller; an export needs no cluster,
// no gateway and no secret value, so none runs and the keychain is not opened.
import { afterEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { startAppHarness, type AppHarness } from '../../support/app-harness';
import type { ClusterExport } from '../../../main/ipc/contract';

const URL_SERVICE = 'not applicable: no backend credentials and its upstream is outside the cluster: nothing for the cluster to hold';
const URL_ROUTE = 'not applicable: an APISIX route goes to a Service in the cluster; service "plain" calls a URL';

let harness: AppHarness | undefined;

afterEach(async () => {
  await harness?.shutdown();
  harness = undefined;
});

/** The app with `workspace` saved (its gateway not started: an export needs none), and its answer to an Export. */
async function exportOf(workspace: object): Promise<ClusterExport> {
  harness = await startAppHarness({ start: false, loadKeytar: async () => Promise.reject(new Error('an export without values opens no keychain')), watchWorkspaceFile: false });
  expect(await harness.call('workspace:save', workspace)).toMatchObject({ ok: true });
  return harness.call<ClusterExport>('cluster:export', {});
}

describe("the app's Export says what it leaves out, as the CLI's does", () => {
  it('a workspace exported in part: the YAML, its object count, and each item left out whole or in part, in the lines of the CLI', async () => {
    const exported = await exportOf({
      services: [
        { name: 'orders', upstream: { url: 'https://orders.example.com/api' }, endpointSecurity: { type: 'basic', secret: 'orders-backend' } },
        { name: 'plain', upstream: { url: 'https://plain.example.com' } },
      ],
      routes: [{ name: 'r1', service: 'plain', path: '/p' }],
      consumers: [
        { username: 'alex', id: 'c-1', basicAuth: { password: { secret: 'alex-login', key: 'password' } } },
        { username: 'guest' },
      ],
    });
    expect(parseAllDocuments(exported.yaml!).map((d) => (d.toJS() as { kind: string }).kind)).toEqual(['Backend', 'ApisixConsumer']);
    expect(exported.objectCount).toBe(2);
    expect(exported.nothingToExport).toBeUndefined();
    // The same lines as test/main/cli/cli-export.test.ts reads on the CLI's stderr (no cluster connected: namespace default).
    expect(exported.leftOut).toEqual([
      `  service plain   ${URL_SERVICE}`,
      `  route r1        ${URL_ROUTE}`,
      '  consumer alex   exported as ApisixConsumer default/alex, Secret default/gatehouse-consumer-alex; its id (X-Consumer-ID) is not pushed: an ApisixConsumer carries only credentials (spec.authParameter)',
      '  consumer guest  not applicable: no basic-auth credentials: nothing for an APISIX consumer to hold',
    ]);
  });

  it('a workspace exported whole: nothing left out', async () => {
    const exported = await exportOf({ services: [{ name: 'orders', upstream: { url: 'https://orders.example.com/api' }, endpointSecurity: { type: 'basic', secret: 'orders-backend' } }] });
    expect(exported).toMatchObject({ objectCount: 1, leftOut: [] });
    expect(exported.yaml).toContain('kind: Backend');
  });

  it('no item becomes a cluster object: no file of comments, but why, and each item with why', async () => {
    const exported = await exportOf({
      services: [{ name: 'plain', upstream: { url: 'https://plain.example.com' } }],
      routes: [{ name: 'r1', service: 'plain', path: '/p' }],
    });
    expect(exported).toEqual({
      objectCount: 0,
      nothingToExport: 'no item of the workspace becomes a cluster object',
      leftOut: [`  service plain  ${URL_SERVICE}`, `  route r1       ${URL_ROUTE}`],
    });
  });

  it('an empty workspace: nothing to export, said as such', async () => {
    expect(await exportOf({})).toEqual({ objectCount: 0, nothingToExport: 'the workspace has no services, routes, consumers or Kyma applications', leftOut: [] });
  });
});
