// The bench's own pieces, checked for behaviour (never for speed): the bare Node proxy checks the credential and
// injects the upstream one (over mutual TLS too), and both nginx configurations are accepted by nginx itself (`nginx -t`).
import { afterAll, describe, expect, it } from 'vitest';
import { fork, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRecordingUpstream } from '../support/recording-upstream';
import { freePort } from '../support/loopback-ports';
import { createTestPki } from '../support/test-certificates';
import { startTlsServer } from '../support/tls-servers';
import { NGINX_TEMP_DIRS, nginxConfig, nginxUpstreamConfig } from './nginx-config';
import type { PeerSetup } from './peer-setup';

const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** The bare proxy forked from source, accepting alex:pw and sending admin:backend upstream; resolves with its port once it serves. */
async function startBareProxy(setup: Pick<PeerSetup, 'upstream' | 'clientCertificate'>): Promise<number> {
  const port = await freePort();
  const child = fork(fileURLToPath(new URL('./bare-proxy.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  cleanups.push(() => child.kill());
  child.send({ port, inboundAuthorization: basic('alex', 'pw'), outboundAuthorization: basic('admin', 'backend'), ...setup } satisfies PeerSetup);
  await once(child, 'message');
  return port;
}

describe('bench peers', () => {
  it('the bare Node proxy forwards a request with the right credential, Basic injected, and refuses a wrong one', async () => {
    const upstream = await startRecordingUpstream();
    cleanups.push(() => upstream.close());
    const port = await startBareProxy({ upstream: upstream.url });

    const ok = await fetch(`http://127.0.0.1:${port}/v1/json?x=1`, { headers: { authorization: basic('alex', 'pw') } });
    expect(ok.status).toBe(200);
    await ok.arrayBuffer();
    expect(upstream.requests).toHaveLength(1);
    expect(upstream.requests[0]).toMatchObject({ url: '/json?x=1', headers: { authorization: basic('admin', 'backend'), host: `127.0.0.1:${upstream.port}` } });

    const refused = await fetch(`http://127.0.0.1:${port}/v1/json`, { headers: { authorization: basic('alex', 'wrong') } });
    expect(refused.status).toBe(401);
    expect(upstream.requests).toHaveLength(1);
  });

  it('the bare Node proxy reaches an HTTPS upstream that demands a client certificate with the one it is given', async () => {
    const pki = await createTestPki();
    const upstream = await startTlsServer({ cert: pki.server.cert, key: pki.server.key, clientCa: pki.ca.cert });
    cleanups.push(() => upstream.close());
    const port = await startBareProxy({ upstream: upstream.url, clientCertificate: { cert: pki.client.cert, key: pki.client.key, ca: pki.ca.cert } });

    const ok = await fetch(`http://127.0.0.1:${port}/v1/json`, { headers: { authorization: basic('alex', 'pw') } });
    expect(ok.status).toBe(200);
    await ok.arrayBuffer();
    expect(upstream.tlsErrors).toEqual([]);
    expect(upstream.requests).toHaveLength(1);
    expect(upstream.requests[0]!.url).toBe('/json');
    expect(upstream.requests[0]!.clientCommonName).toBe('gatehouse-client');
  });

  it('nginx accepts the upstream and proxy configurations', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gatehouse-bench-test-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    for (const d of NGINX_TEMP_DIRS) await mkdir(join(dir, d));
    const pki = await createTestPki();
    await writeFile(join(dir, 'server.crt'), pki.server.cert);
    await writeFile(join(dir, 'server.key'), pki.server.key);
    await writeFile(join(dir, 'ca.crt'), pki.ca.cert);
    await writeFile(join(dir, 'htpasswd'), 'alex:{SHA}x\n');
    const configs = {
      upstream: nginxUpstreamConfig({ prefix: dir, port: 1, tlsPort: 2, certFile: join(dir, 'server.crt'), keyFile: join(dir, 'server.key'), caFile: join(dir, 'ca.crt') }),
      proxy: nginxConfig({ prefix: dir, port: 3, upstreamPort: 1, upstreamAuthorization: basic('admin', 'backend') }),
    };
    for (const [name, config] of Object.entries(configs)) {
      await writeFile(join(dir, `${name}.conf`), config);
      const result = spawnSync('/usr/sbin/nginx', ['-t', '-p', dir, '-c', join(dir, `${name}.conf`), '-g', 'user root;'], { encoding: 'utf8' });
      expect(result.error, 'nginx could not run: `sh test/prerequisites.sh` installs nginx-light').toBeUndefined();
      expect(result.stderr, name).toMatch(/syntax is ok/);
      expect(result.status, `${name}: ${result.stderr}`).toBe(0);
    }
  });
});
