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
import { TrafficCapture } from '../../../gateway/capture/traffic-capture';
import type { CapturedExchange } from '../../../gateway/capture/exchange';

// No API server can run here: this HTTPS server stands in for kube-apiserver's service proxy
// (`/api/v1/namespaces/NS/services/NAME:PORT/proxy/...`), checking the bearer token like the real one.
const TOKEN = 'cluster-user-token';
/** The tokens the stand-in accepts; a test of rotation adds and revokes its own. */
const accepted = new Set([TOKEN]);
let pki: TestPki;
let apiServer: ReturnType<typeof createServer>;
let apiUrl: string;
let dir: string;
const seen: { url: string; authorization?: string; forwardedFor?: string; status?: number; body?: string }[] = [];

beforeAll(async () => {
  pki = await createTestPki();
  apiServer = createServer({ cert: pki.server.cert, key: pki.server.key }, (req, res) => {
    const request = { url: req.url ?? '', authorization: req.headers.authorization, forwardedFor: req.headers['x-forwarded-for'] as string | undefined } as (typeof seen)[number];
    seen.push(request);
    const body: Buffer[] = [];
    req.on('data', (chunk: Buffer) => body.push(chunk));
    req.on('end', () => {
      if (body.length > 0) request.body = Buffer.concat(body).toString();
      if (!accepted.has(req.headers.authorization?.replace(/^Bearer /, '') ?? '')) {
        request.status = 401;
        res.writeHead(401, { 'content-type': 'application/json' });
        return res.end('{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Unauthorized","code":401}');
      }
      const match = /^\/api\/v1\/namespaces\/([^/]+)\/services\/([^/]+)\/proxy(\/.*)?$/.exec((req.url ?? '').split('?')[0]!);
      request.status = match ? 200 : 404;
      res.writeHead(request.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ namespace: match?.[1], service: match?.[2], path: match?.[3] ?? '/' }));
    });
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

  /** A kubeconfig in a folder of its own whose user reads its token from `token` beside it, holding `token` now. */
  async function tokenFileKubeconfig(token: string): Promise<{ file: string; tokenPath: string }> {
    const folder = await mkdtemp(join(dir, 'rotating-'));
    const tokenPath = join(folder, 'token');
    await writeFile(tokenPath, `${token}\n`);
    await writeFile(join(folder, 'config'), stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'test',
      clusters: [{ name: 'test', cluster: { server: apiUrl, 'certificate-authority-data': Buffer.from(pki.ca.cert).toString('base64') } }],
      users: [{ name: 'sa', user: { tokenFile: 'token' } }],
      contexts: [{ name: 'test', context: { cluster: 'test', user: 'sa' } }],
    }));
    return { file: join(folder, 'config'), tokenPath };
  }

  it("a tokenFile user's token is read again as client-go reads it (50 s after the last read) and at once on a 401, without a reload", async () => {
    const [first, second, third] = ['sa-token-1', 'sa-token-2', 'sa-token-3'];
    accepted.add(first!).add(second!).add(third!);
    const { file, tokenPath } = await tokenFileKubeconfig(first!);
    const cluster = await clusterAccessFromKubeconfig(file);
    // The path goes with the token, never the token's file contents as anything but the header.
    expect(cluster).toMatchObject({ authorization: `Bearer ${first}`, tokenFile: tokenPath });
    // The clock the re-reads follow, moved by the test instead of waiting a minute.
    let now = 5_000_000;
    const gw = await startGateway({ workspace, secrets: new SecretResolver([new MemorySecretSource('t', { 'alex-pw': { password: 'pw' } })]), port: 0, cluster, now: () => now });
    const call = async (method = 'GET', body?: string) => {
      const from = seen.length;
      const res = await request(`${gw.url}/backend/orders`, { method, body, headers: { authorization: basic('alex', 'pw') } });
      await res.body.dump();
      return { status: res.statusCode, sent: seen.slice(from).map((r) => [r.status, r.authorization?.replace(/^Bearer /, ''), ...(r.body === undefined ? [] : [r.body])]) };
    };
    try {
      expect(await call()).toEqual({ status: 200, sent: [[200, first]] });
      await writeFile(tokenPath, second!);
      now += 49_999;
      expect(await call()).toEqual({ status: 200, sent: [[200, first]] });
      now += 1;
      expect(await call()).toEqual({ status: 200, sent: [[200, second]] });

      // Rotated and the old token revoked within the minute: the 401 has the file read at once, and the request,
      // body and all, goes once more with the new token; the client sees only the answer to that.
      await writeFile(tokenPath, third!);
      accepted.delete(second!);
      expect(await call('POST', '{"order":7}')).toEqual({ status: 200, sent: [[401, second, '{"order":7}'], [200, third, '{"order":7}']] });
      expect(await call()).toEqual({ status: 200, sent: [[200, third]] });

      // Refused with nothing newer in the file: one request, and the API server's 401 is the answer.
      accepted.delete(third!);
      expect(await call()).toEqual({ status: 401, sent: [[401, third]] });
      // A workspace reload keeps the schedule (no read before 50 s).
      accepted.add(third!);
      await writeFile(tokenPath, first!);
      expect((await gw.reload(workspace)).ok).toBe(true);
      expect(await call()).toEqual({ status: 200, sent: [[200, third]] });
    } finally {
      await gw.close();
    }
  });

  it('the traffic inspector shows the refused attempt retried and both Authorization headers as the cluster user\'s, masked', async () => {
    const [before, after] = ['sa-captured-1', 'sa-captured-2'];
    accepted.add(before!);
    const { file, tokenPath } = await tokenFileKubeconfig(before!);
    const captured: CapturedExchange[] = [];
    const capture = new TrafficCapture((exchange) => captured.push(structuredClone(exchange)), { enabled: true });
    const secrets = new SecretResolver([new MemorySecretSource('t', { 'alex-pw': { password: 'pw' } })]);
    const gw = await startGateway({ workspace, secrets, port: 0, cluster: await clusterAccessFromKubeconfig(file), capture, now: () => 0 });
    try {
      // The file is read at the first request; the clock never moves, so only a 401 has it read again.
      await (await request(`${gw.url}/backend/first`, { headers: { authorization: basic('alex', 'pw') } })).body.dump();
      await writeFile(tokenPath, after!);
      accepted.delete(before!);
      accepted.add(after!);
      const res = await request(`${gw.url}/backend/captured`, { headers: { authorization: basic('alex', 'pw') } });
      await res.body.dump();
      expect(res.statusCode).toBe(200);
      const complete = () => captured.find((e) => e.state === 'complete' && e.request.target === '/backend/captured');
      await expect.poll(complete).toBeDefined();
      const upstream = complete()!.upstream!;
      expect(upstream.credentials).toEqual([{ kind: 'cluster-user' }]);
      expect(upstream.attempts.map((a) => [a.status, a.outcome, a.headers.find((h) => h.name === 'authorization')?.source])).toEqual([[401, 'retried', 'cluster'], [200, 'answered', 'cluster']]);
      expect(JSON.stringify(upstream)).not.toMatch(/sa-captured/);
    } finally {
      await gw.close();
    }
  });

  it('reports an unreadable kubeconfig clearly', async () => {
    await writeFile(join(dir, 'broken'), 'apiVersion: v1\nclusters: [');
    await expect(clusterAccessFromKubeconfig(join(dir, 'broken'))).rejects.toThrow(/^kubeconfig .*broken: /);
  });
});
