import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:https';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { stringify } from 'yaml';
import { serviceProxyPath } from '../../../gateway/cluster/cluster-access';
import { clusterAccessFromKubeconfig } from '../../../gateway/cluster/kubeconfig-access';
import { createTestPki, type TestPki } from '../../support/test-certificates';
import { startTestGateway, basic } from '../../support/gateway';
import { MemorySecretSource, SecretResolver } from '../../../gateway/secrets/secret-source';
import { startGateway } from '../../../gateway/server/gateway-server';

// No API server can run here: this HTTPS server stands in for kube-apiserver's service proxy
// (`/api/v1/namespaces/NS/services/NAME:PORT/proxy/...`), checking the bearer token like the real one.
const TOKEN = 'cluster-user-token';
let pki: TestPki;
let apiServer: ReturnType<typeof createServer>;
let apiUrl: string;
let dir: string;
const seen: { url: string; authorization?: string; forwardedFor?: string }[] = [];

beforeAll(async () => {
  pki = await createTestPki();
  apiServer = createServer({ cert: pki.server.cert, key: pki.server.key }, (req, res) => {
    seen.push({ url: req.url ?? '', authorization: req.headers.authorization, forwardedFor: req.headers['x-forwarded-for'] as string | undefined });
    req.resume();
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(401, { 'content-type': 'application/json' });
      return res.end('{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Unauthorized","code":401}');
    }
    const match = /^\/api\/v1\/namespaces\/([^/]+)\/services\/([^/]+)\/proxy(\/.*)?$/.exec((req.url ?? '').split('?')[0]!);
    res.writeHead(match ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ namespace: match?.[1], service: match?.[2], path: match?.[3] ?? '/' }));
  });
  apiServer.listen(0, '127.0.0.1');
  await once(apiServer, 'listening');
  apiUrl = `https://127.0.0.1:${(apiServer.address() as AddressInfo).port}`;
  dir = await mkdtemp(join(tmpdir(), 'gatehouse-kubeconfig-'));
  await writeFile(join(dir, 'config'), stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'test',
    clusters: [{ name: 'test', cluster: { server: apiUrl, 'certificate-authority-data': Buffer.from(pki.ca.cert).toString('base64') } }],
    users: [{ name: 'dev', user: { token: TOKEN } }],
    contexts: [{ name: 'test', context: { cluster: 'test', user: 'dev' } }],
  }));
});

afterAll(async () => {
  apiServer.close();
  await rm(dir, { recursive: true, force: true });
});

const workspace = {
  services: [{ name: 'backend', pathPrefix: '/backend', upstream: { serviceInfo: { name: 'backend', namespace: 'apk', port: 8080 } }, plugins: { 'basic-auth': {} } }],
  consumers: [{ username: 'alex', basicAuth: { password: { secret: 'alex-pw', key: 'password' } } }],
};

describe('serviceInfo backends through the API server service proxy', () => {
  it('builds the proxy path kube-apiserver serves', () => {
    expect(serviceProxyPath({ name: 'backend', namespace: 'apk', port: 8080, protocol: 'http' })).toBe('/api/v1/namespaces/apk/services/backend:8080/proxy');
    expect(serviceProxyPath({ name: 'web', namespace: 'default', protocol: 'https' })).toBe('/api/v1/namespaces/default/services/https:web/proxy');
  });

  it('answers 502 naming the service when no cluster is connected', async () => {
    const gw = await startTestGateway(workspace, { 'alex-pw': { password: 'pw' } });
    try {
      const res = await request(`${gw.url}/backend/x`, { headers: { authorization: basic('alex', 'pw') } });
      expect(res.statusCode).toBe(502);
      expect(await res.body.json()).toEqual({ message: 'Upstream service apk/backend needs a connected Kubernetes cluster' });
    } finally {
      await gw.close();
    }
  });

  it("reaches the service with the kubeconfig user's token and CA, never the client's credentials", async () => {
    const cluster = await clusterAccessFromKubeconfig(join(dir, 'config'));
    expect(cluster).toMatchObject({ server: apiUrl, authorization: `Bearer ${TOKEN}`, skipTLSVerify: false });
    const gw = await startGateway({ workspace, secrets: new SecretResolver([new MemorySecretSource('t', { 'alex-pw': { password: 'pw' } })]), port: 0, cluster });
    try {
      const res = await request(`${gw.url}/backend/orders/7?page=2`, { headers: { authorization: basic('alex', 'pw') } });
      expect(res.statusCode).toBe(200);
      expect(await res.body.json()).toEqual({ namespace: 'apk', service: 'backend:8080', path: '/orders/7' });
      expect(seen.at(-1)).toMatchObject({ url: '/api/v1/namespaces/apk/services/backend:8080/proxy/orders/7?page=2', authorization: `Bearer ${TOKEN}` });

      const refused = await gw.reload({ ...workspace, services: [{ ...workspace.services[0]!, endpointSecurity: { type: 'basic', secret: 'backend-creds' } }] });
      expect(refused.ok).toBe(false);
      if (!refused.ok) expect(refused.errors[0]!.message).toMatch(/both need the Authorization header; use a client-certificate kubeconfig user/);
    } finally {
      await gw.close();
    }
  });

  it('reports an unreadable kubeconfig clearly', async () => {
    await writeFile(join(dir, 'broken'), 'apiVersion: v1\nclusters: [');
    await expect(clusterAccessFromKubeconfig(join(dir, 'broken'))).rejects.toThrow(/^kubeconfig .*broken: /);
  });
});
