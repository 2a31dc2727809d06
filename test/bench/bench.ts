// `npm run bench`: the same upstream reached directly, through Gatehouse (basic-auth in, Basic injected out)
// and through nginx (auth_basic + proxy_set_header Authorization), on loopback, one after the other.
// BENCH_SECONDS (default 10) and BENCH_CONNECTIONS (default 32) tune the run.
import { freePort, waitForPort } from '../support/loopback-ports';
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile, readFile, rm, mkdir } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import autocannon from 'autocannon';
import { nginxConfig, shaHtpasswdLine } from './nginx-config';
import { createTestPki } from '../support/test-certificates';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const root = fileURLToPath(new URL('../..', import.meta.url));
const CLIENT = { user: 'alex', password: 'bench-client-pw' };
const BACKEND = { user: 'admin', password: 'bench-backend-pw' };
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

interface Result {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  rssMb?: number;
}


function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

async function load(name: string, url: string, headers: Record<string, string>, pid?: number): Promise<Result> {
  // Warm up connections and JIT, then measure.
  await autocannon({ url, connections, duration: 2, headers });
  let peakRss = 0;
  const sampler = pid ? setInterval(() => (peakRss = Math.max(peakRss, rssMb(pid))), 250) : undefined;
  const r = await autocannon({ url, connections, duration: seconds, headers });
  clearInterval(sampler);
  return { name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx, rssMb: pid ? peakRss : undefined };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-bench-'));
  const children: ChildProcess[] = [];
  try {
    const pki = await createTestPki();
    const upstream = fork(join(root, 'test/bench/bench-upstream.ts'), [], { execArgv: ['--import', 'tsx'] });
    children.push(upstream);
    upstream.send({ ca: pki.ca.cert, cert: pki.server.cert, key: pki.server.key });
    const [{ port: upstreamPort, tlsPort }] = (await once(upstream, 'message')) as [{ port: number; tlsPort: number }];

    const gatewayPort = await freePort();
    const plain = `http://127.0.0.1:${upstreamPort}`;
    const inbound = { 'basic-auth': {} };
    await writeFile(join(dir, 'workspace.json'), JSON.stringify({
      services: [
        { name: 'bench', pathPrefix: '/v1', upstream: { url: plain }, plugins: inbound, endpointSecurity: { type: 'basic', secret: 'backend' } },
        { name: 'oauth', pathPrefix: '/oauth', stripPrefix: false, upstream: { url: plain }, plugins: inbound, endpointSecurity: { type: 'oauth2-client-credentials', tokenUrl: `${plain}/token`, secret: 'oauth-client' } },
        { name: 'mtls', pathPrefix: '/mtls', upstream: { url: `https://127.0.0.1:${tlsPort}` }, plugins: inbound, endpointSecurity: { type: 'client-certificate', secret: 'client-cert', caKey: 'ca' } },
      ],
      consumers: [{ username: CLIENT.user, basicAuth: { password: { secret: 'client', key: 'password' } } }],
    }));
    await writeFile(join(dir, 'secrets.json'), JSON.stringify({
      client: { password: CLIENT.password },
      backend: { username: BACKEND.user, password: BACKEND.password },
      'oauth-client': { clientId: 'bench-client', clientSecret: 'bench-client-secret' },
      'client-cert': { crt: pki.client.cert, key: pki.client.key, ca: pki.ca.cert },
    }));
    // The built CLI (`node build.mjs gateway`), as `npm run gateway` runs it.
    const gateway = spawn(process.execPath, [join(root, 'out/gateway/cli.js'), '--config', join(dir, 'workspace.json'), '--secrets', join(dir, 'secrets.json'), '--port', String(gatewayPort)], {
      cwd: root, stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(gateway);
    await waitForPort(gatewayPort);

    let nginxPort: number | undefined;
    if (existsSync('/usr/sbin/nginx')) {
      nginxPort = await freePort();
      for (const d of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) await mkdir(join(dir, d));
      await writeFile(join(dir, 'htpasswd'), shaHtpasswdLine(CLIENT.user, CLIENT.password));
      await writeFile(join(dir, 'nginx.conf'), nginxConfig({ prefix: dir, port: nginxPort, upstreamPort, upstreamAuthorization: basic(BACKEND.user, BACKEND.password) }));
      const nginx = spawn('/usr/sbin/nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'user root;'], { stdio: ['ignore', 'inherit', 'inherit'] });
      children.push(nginx);
      await waitForPort(nginxPort);
    } else {
      process.stderr.write('nginx not found (apt-get install nginx-light): skipping the nginx comparison\n');
    }

    const auth = { authorization: basic(CLIENT.user, CLIENT.password) };
    const results: Result[] = [];
    results.push(await load('direct', `http://127.0.0.1:${upstreamPort}/json`, {}));
    results.push(await load('gatehouse', `http://127.0.0.1:${gatewayPort}/v1/json`, auth, gateway.pid));
    if (nginxPort) results.push(await load('nginx', `http://127.0.0.1:${nginxPort}/v1/json`, auth));
    results.push(await load('gh-oauth', `http://127.0.0.1:${gatewayPort}/oauth/json`, auth, gateway.pid));
    results.push(await load('gh-mtls', `http://127.0.0.1:${gatewayPort}/mtls/json`, auth, gateway.pid));
    report(results);
    if (nginxPort) {
      const log = await readFile(join(dir, 'error.log'), 'utf8');
      if (/\[(error|crit|alert|emerg)\]/.test(log)) process.stderr.write(`nginx errors:\n${log}\n`);
    }
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  }
}

function report(results: Result[]): void {
  const by = Object.fromEntries(results.map((r) => [r.name, r]));
  console.log(`\n${connections} connections, ${seconds} s per path, loopback\n`);
  console.log('path        req/s      p50 ms   p99 ms   errors  non-2xx  peak RSS');
  for (const r of results) {
    console.log(`${r.name.padEnd(10)} ${r.rps.toFixed(0).padStart(7)} ${r.p50.toFixed(2).padStart(10)} ${r.p99.toFixed(2).padStart(8)} ${String(r.errors).padStart(8)} ${String(r.non2xx).padStart(8)}  ${r.rssMb ? `${r.rssMb.toFixed(0)} MB` : ''}`);
  }
  const g = by.gatehouse!;
  const d = by.direct!;
  console.log('');
  if (by.nginx) console.log(`gatehouse / nginx req/s: ${(g.rps / by.nginx.rps).toFixed(2)}x (target >= 0.80x)`);
  console.log(`p99 added over direct: gatehouse ${(g.p99 - d.p99).toFixed(2)} ms (target <= 2 ms)${by.nginx ? `, nginx ${(by.nginx.p99 - d.p99).toFixed(2)} ms` : ''}`);
  console.log(`gatehouse peak RSS under load: ${g.rssMb?.toFixed(0)} MB (target <= 100 MB)`);
  for (const name of ['gh-oauth', 'gh-mtls']) {
    if (by[name]) console.log(`${name} / gatehouse (Basic) req/s: ${(by[name].rps / g.rps).toFixed(2)}x${name === 'gh-oauth' ? ' (target >= 0.90x, token cached)' : ''}`);
  }
  const failed = results.some((r) => r.errors > 0 || r.non2xx > 0);
  if (failed) {
    console.error('some requests failed: the figures above are not valid');
    process.exitCode = 1;
  }
}

await main();
