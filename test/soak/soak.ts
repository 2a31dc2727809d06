// `npm run soak`: the built gateway CLI as a child process under mixed traffic on loopback for SOAK_SECONDS
// (default 600): valid and invalid credentials, Basic / OAuth / mTLS / CSRF backends, tokens expiring and revoked
// during the run, CSRF sessions rotated, hot reloads of the watched config file every SOAK_RELOAD_SECONDS (30).
// It fails (exit 1) on any unexpected status, any request without an answer, a stale config after a reload, RSS
// growing by 10 % or more after warm-up, file descriptors growing, or a secret value in anything the gateway
// printed or wrote. SOAK_RATE (default 300 requests/s) and SOAK_CONNECTIONS (default 8) bound the load.
import { freePort, waitForPort } from '../support/loopback-ports';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { Agent, request, type Dispatcher } from 'undici';
import { createTestPki } from '../support/test-certificates';
import { startRecordingUpstream, type UpstreamHandler } from '../support/recording-upstream';
import { startOAuthTokenServer, bearerProtected } from '../support/oauth-token-server';
import { startTlsServer } from '../support/tls-servers';
import { startCsrfApiServer } from '../support/csrf-api-server';
import { RawConnection } from '../support/raw-connection';
import { GATEWAY_PROCESS_ENV } from '../../gateway/process/process-environment';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 600);
const RATE = Number(process.env.SOAK_RATE ?? 300);
const CONNECTIONS = Number(process.env.SOAK_CONNECTIONS ?? 8);
const RELOAD_SECONDS = Number(process.env.SOAK_RELOAD_SECONDS ?? 30);
const WARMUP_SECONDS = Math.min(60, Math.max(10, SECONDS * 0.2));
const SAMPLE_MS = Math.max(1000, Math.min(5000, (SECONDS * 1000) / 60));
const TOKEN_LIFETIME_SECONDS = 4;
const MAX_BODY = 256 * 1024;
const root = fileURLToPath(new URL('../..', import.meta.url));

// Every secret is random, so any occurrence in output is a leak, never a coincidence.
const secret = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;
const CLIENT = { user: 'soak-user', password: secret('client-pw') };
const WRONG_PASSWORD = secret('wrong-pw');
const BACKEND = { user: 'soak-backend', password: secret('backend-pw') };
const OAUTH = { id: 'soak-client', secret: secret('oauth-secret') };
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const mb = (kb: number) => (kb / 1024).toFixed(1);

// --- the gateway process ------------------------------------------------------------------------------------


function procSample(pid: number): { rssKb: number; fds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return { rssKb: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0), fds: readdirSync(`/proc/${pid}/fd`).length };
}

const TCP_STATES: Record<string, string> = { '01': 'ESTABLISHED', '06': 'TIME_WAIT', '08': 'CLOSE_WAIT', '0A': 'LISTEN', '04': 'FIN_WAIT1', '05': 'FIN_WAIT2', '09': 'LAST_ACK' };

/** What a process's descriptors are, sockets as "local → remote STATE" (for the report when descriptors stay open). */
function describeFds(pid: number, names: Map<number, string>): string[] {
  const sockets = new Map<string, string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10) continue;
      const port = (address: string) => parseInt(address.split(':')[1]!, 16);
      const label = (p: number) => names.get(p) ?? String(p);
      sockets.set(f[9]!, `tcp ${label(port(f[1]!))} → ${label(port(f[2]!))} ${TCP_STATES[f[3]!] ?? f[3]}`);
    }
  }
  const out: string[] = [];
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    let target = '?';
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {}
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    out.push(`${fd}: ${inode ? (sockets.get(inode) ?? target) : target}`);
  }
  return out;
}

// --- secrets scan ----------------------------------------------------------------------------------------------

const TOKEN_RUN = /[A-Za-z0-9+/=_.~-]{12,}/g;
const KEY_LENGTH = 12;

/** Finds any of many secret values in text: each is looked up by its first 12 characters inside token-like runs. */
class SecretScanner {
  readonly #byKey = new Map<string, Set<string>>();
  readonly #other = new Set<string>();
  readonly #names = new Map<string, string>();

  add(value: string, name: string): void {
    if (value.length < 6 || this.#names.has(value)) return;
    this.#names.set(value, name);
    if (value.length >= KEY_LENGTH && /^[A-Za-z0-9+/=_.~-]+$/.test(value)) {
      const key = value.slice(0, KEY_LENGTH);
      if (!this.#byKey.has(key)) this.#byKey.set(key, new Set());
      this.#byKey.get(key)!.add(value);
    } else this.#other.add(value);
  }

  get size(): number {
    return this.#names.size;
  }

  /** Names of the secrets found in `text`. */
  scan(text: string): string[] {
    const found = new Set<string>();
    for (const value of this.#other) if (text.includes(value)) found.add(this.#names.get(value)!);
    for (const match of text.matchAll(TOKEN_RUN)) {
      const run = match[0];
      for (let i = 0; i + KEY_LENGTH <= run.length; i += 1) {
        const candidates = this.#byKey.get(run.slice(i, i + KEY_LENGTH));
        if (!candidates) continue;
        for (const value of candidates) if (run.startsWith(value, i)) found.add(this.#names.get(value)!);
      }
    }
    return [...found];
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

// --- traffic --------------------------------------------------------------------------------------------------

type Kind =
  | 'basic-get' | 'basic-post' | 'oauth-get' | 'mtls-get' | 'csrf-post' | 'missing-auth' | 'wrong-password'
  | 'malformed-auth' | 'not-found' | 'hidden-dot-segments' | 'too-large' | 'too-large-chunked';

const MIX: [Kind, number][] = [
  ['basic-get', 26], ['basic-post', 10], ['oauth-get', 16], ['mtls-get', 12], ['csrf-post', 10], ['missing-auth', 8],
  ['wrong-password', 5], ['malformed-auth', 3], ['not-found', 4], ['hidden-dot-segments', 2], ['too-large', 2], ['too-large-chunked', 2],
];
// Wrong credentials come from 127.0.0.2, which the throttle blocks in turn (429); valid traffic comes from 127.0.0.1.
// Both are loopback, which the workspace throttles only because it sets `throttle.loopback`.
const EXPECTED: Record<Kind, number[]> = {
  'basic-get': [200], 'basic-post': [200], 'oauth-get': [200], 'mtls-get': [200], 'csrf-post': [200], 'missing-auth': [401],
  'wrong-password': [401, 429], 'malformed-auth': [401, 429], 'not-found': [404], 'hidden-dot-segments': [400], 'too-large': [413], 'too-large-chunked': [413],
};

/** xorshift32: the same mix for the same seed. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

interface Stats {
  sent: number;
  answered: number;
  lost: { kind: Kind; error: string }[];
  byKind: Map<Kind, Map<number, number>>;
  unexpected: { kind: Kind; status: number; detail: string }[];
  staleRealm: number;
  realmChecks: number;
}

function workspace(generation: number, upstreams: { basic: string; oauthApi: string; tokenUrl: string; mtls: string; csrf: string; csrfToken: string }) {
  const inbound = { 'basic-auth': { realm: `soak-${generation}` } };
  return {
    gateway: {
      throttle: { maxFailures: 20, windowSeconds: 5, blockSeconds: 1, loopback: true }, // every soak client is on loopback
      limits: { maxBodyBytes: MAX_BODY, clientHeadersTimeoutMs: 10_000, clientBodyTimeoutMs: 60_000 },
    },
    services: [
      { name: 'basic', pathPrefix: '/basic', upstream: { url: upstreams.basic }, plugins: inbound, endpointSecurity: { type: 'basic', secret: 'backend' } },
      { name: 'oauth', pathPrefix: '/oauth', upstream: { url: upstreams.oauthApi }, plugins: inbound, endpointSecurity: { type: 'oauth2-client-credentials', tokenUrl: upstreams.tokenUrl, secret: 'oauth-client' } },
      { name: 'mtls', pathPrefix: '/mtls', upstream: { url: upstreams.mtls }, plugins: inbound, endpointSecurity: { type: 'client-certificate', secret: 'client-cert', caKey: 'ca' } },
      { name: 'csrf', pathPrefix: '/csrf', upstream: { url: upstreams.csrf }, plugins: inbound, endpointSecurity: { type: 'basic', secret: 'backend' }, csrf: { tokenEndpointUrl: upstreams.csrfToken } },
    ],
    // Alternates between generations, so every reload rebuilds the router too.
    routes: generation % 2 === 1 ? [{ name: 'basic-items', service: 'basic', path: '/items', match: 'exact' }, { name: 'basic-rest', service: 'basic', path: '/' }] : [],
    consumers: [{ username: CLIENT.user, basicAuth: { password: { secret: 'client', key: 'password' } } }],
  };
}

async function main(): Promise<number> {
  const failures: string[] = [];
  const build = spawnSync(process.execPath, [join(root, 'build.mjs'), 'gateway-bundle'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('node build.mjs gateway-bundle failed');

  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-soak-'));
  const configDir = join(dir, 'config');
  const runDir = join(dir, 'run');
  for (const d of [configDir, runDir, join(dir, 'home'), join(dir, 'tmp')]) await mkdir(d, { recursive: true });
  const configFile = join(configDir, 'workspace.json');
  const secretsFile = join(configDir, 'secrets.json');
  const closers: (() => Promise<void>)[] = [];
  let gateway: ChildProcess | undefined;
  const scanner = new SecretScanner();

  try {
    // Backends, from the test support servers.
    const pki = await createTestPki();
    const backendAuth = basic(BACKEND.user, BACKEND.password);
    const basicBackend = await startRecordingUpstream((req, res, recorded) => {
      const ok = req.headers.authorization === backendAuth;
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok, bodyBytes: recorded.bodyBytes }));
    });
    const tokens = await startOAuthTokenServer({ clients: { [OAUTH.id]: OAUTH.secret }, expiresIn: TOKEN_LIFETIME_SECONDS });
    const seenBearer = new Set<string>();
    const protectedHandler = bearerProtected(tokens);
    const oauthHandler: UpstreamHandler = (req, res, recorded) => {
      const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (token) seenBearer.add(token);
      protectedHandler(req, res, recorded);
    };
    const oauthApi = await startRecordingUpstream(oauthHandler);
    const mtls = await startTlsServer({ cert: pki.server.cert, key: pki.server.key, clientCa: pki.ca.cert });
    const csrf = await startCsrfApiServer({ authorization: backendAuth });
    closers.push(() => basicBackend.close(), () => tokens.close(), () => oauthApi.close(), () => mtls.close(), () => csrf.close());
    // Node's default idle time (5 s), as the other backends: the gateway's pools follow the servers' Keep-Alive hints.
    basicBackend.server.keepAliveTimeout = 5000;
    oauthApi.server.keepAliveTimeout = 5000;
    const upstreams = { basic: basicBackend.url, oauthApi: oauthApi.url, tokenUrl: tokens.tokenUrl, mtls: mtls.url, csrf: csrf.url, csrfToken: csrf.tokenUrl };

    const secrets = {
      client: { password: CLIENT.password },
      backend: { username: BACKEND.user, password: BACKEND.password },
      'oauth-client': { clientId: OAUTH.id, clientSecret: OAUTH.secret },
      'client-cert': { crt: pki.client.cert, key: pki.client.key, ca: pki.ca.cert },
    };
    for (const [name, value] of [['client password', CLIENT.password], ['wrong password', WRONG_PASSWORD], ['backend password', BACKEND.password], ['OAuth client secret', OAUTH.secret]]) scanner.add(value!, name!);
    scanner.add(basic(CLIENT.user, CLIENT.password).slice(6), 'client Authorization header');
    scanner.add(basic(CLIENT.user, WRONG_PASSWORD).slice(6), 'wrong-password Authorization header');
    scanner.add(backendAuth.slice(6), 'backend Authorization header');
    scanner.add(basic(OAUTH.id, OAUTH.secret).slice(6), 'OAuth client Authorization header');
    for (const line of pki.client.key.split('\n')) if (!line.startsWith('-----') && line.length >= 16) scanner.add(line, 'client private key');

    let generation = 0;
    await writeFile(secretsFile, JSON.stringify(secrets));
    await writeFile(configFile, JSON.stringify(workspace(generation, upstreams), null, 2));

    // The gateway, built, as `npm run gateway` runs it; HOME, TMPDIR and its working directory point into the
    // soak's folder, so every file it might write is scanned afterwards.
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: join(dir, 'home'), TMPDIR: join(dir, 'tmp') };
    delete env.GATEHOUSE_SECRETS;
    gateway = spawn(process.execPath, [join(root, 'out/gateway/cli.cjs'), '--config', configFile, '--secrets', secretsFile, '--port', String(port)], {
      cwd: runDir, env: { ...env, ...GATEWAY_PROCESS_ENV }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pid = gateway.pid!;
    let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    gateway.once('exit', (code, signal) => (exited = { code, signal }));

    // Its output: JSON request lines on stdout (counted, kept for the scan), notes on stderr.
    const stdoutChunks: Buffer[] = [];
    const gatewayStatuses = new Map<number, number>();
    const gatewayClients = new Map<string, number>();
    let logLines = 0;
    let partial = '';
    gateway.stdout!.on('data', (chunk: Buffer) => {
      stdoutChunks.push(chunk);
      const text = partial + chunk.toString('utf8');
      const lines = text.split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        if (!line) continue;
        logLines += 1;
        const { status, client } = JSON.parse(line) as { status: number; client: string };
        gatewayStatuses.set(status, (gatewayStatuses.get(status) ?? 0) + 1);
        gatewayClients.set(client, (gatewayClients.get(client) ?? 0) + 1);
      }
    });
    let stderr = '';
    let confirmedGeneration = 0;
    let reloadsConfirmed = 0;
    gateway.stderr!.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      stderr += text;
      for (const _ of text.matchAll(/^reloaded /gm)) {
        reloadsConfirmed += 1;
        confirmedGeneration = generation;
      }
    });
    await waitForPort(port);

    // Clients: valid traffic from 127.0.0.1, wrong credentials from 127.0.0.2.
    const url = `http://127.0.0.1:${port}`;
    const agent = new Agent({ connections: CONNECTIONS, headersTimeout: 30_000, bodyTimeout: 30_000 });
    const hostileAgent = new Agent({ connections: 2, headersTimeout: 30_000, bodyTimeout: 30_000, localAddress: '127.0.0.2' });
    closers.push(() => agent.close(), () => hostileAgent.close());
    const auth = basic(CLIENT.user, CLIENT.password);
    const stats: Stats = { sent: 0, answered: 0, lost: [], byKind: new Map(), unexpected: [], staleRealm: 0, realmChecks: 0 };
    const random = prng(Number(process.env.SOAK_SEED ?? 7));
    const totalWeight = MIX.reduce((sum, [, w]) => sum + w, 0);
    const pick = (): Kind => {
      let r = random() * totalWeight;
      for (const [kind, weight] of MIX) if ((r -= weight) < 0) return kind;
      return MIX[0]![0];
    };

    async function send(kind: Kind, i: number): Promise<{ status: number; detail: string }> {
      const call = async (path: string, options: { method?: Dispatcher.HttpMethod; headers?: Record<string, string>; body?: Buffer | Readable; dispatcher?: Dispatcher } = {}) => {
        const res = await request(`${url}${path}`, { method: options.method ?? 'GET', headers: options.headers, body: options.body, dispatcher: options.dispatcher ?? agent });
        const text = await res.body.text();
        return { status: res.statusCode, text, headers: res.headers };
      };
      switch (kind) {
        case 'basic-get': {
          const r = await call(`/basic/items?i=${i}`, { headers: { authorization: auth } });
          return { status: r.status, detail: r.status === 200 && !(JSON.parse(r.text) as { ok: boolean }).ok ? 'backend credentials not injected' : '' };
        }
        case 'basic-post': {
          const size = Math.floor(random() * 64 * 1024);
          const r = await call('/basic/upload', { method: 'POST', headers: { authorization: auth, 'content-type': 'application/octet-stream' }, body: randomBytes(size) });
          const got = r.status === 200 ? (JSON.parse(r.text) as { bodyBytes: number }).bodyBytes : size;
          return { status: r.status, detail: got === size ? '' : `backend got ${got} of ${size} bytes` };
        }
        case 'oauth-get':
          return call(`/oauth/data?i=${i}`, { headers: { authorization: auth } }).then((r) => ({ status: r.status, detail: r.text.slice(0, 120) }));
        case 'mtls-get': {
          const r = await call(`/mtls/x?i=${i}`, { headers: { authorization: auth } });
          return { status: r.status, detail: r.status === 200 && !r.text.includes('gatehouse-client') ? 'no client certificate seen' : r.text.slice(0, 120) };
        }
        case 'csrf-post':
          return call('/csrf/sap/opu/odata/sap/API/Items', { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ i })) }).then((r) => ({ status: r.status, detail: r.text.slice(0, 120) }));
        case 'missing-auth': {
          const generationAtSend = confirmedGeneration;
          const r = await call('/basic/items');
          const realm = /realm="soak-(\d+)"/.exec(String(r.headers['www-authenticate'] ?? ''))?.[1];
          stats.realmChecks += 1;
          if (realm === undefined || Number(realm) < generationAtSend) {
            stats.staleRealm += 1;
            return { status: r.status, detail: `realm ${realm} after reload ${generationAtSend} was confirmed` };
          }
          return { status: r.status, detail: '' };
        }
        case 'wrong-password':
          return call('/basic/items', { headers: { authorization: basic(CLIENT.user, WRONG_PASSWORD) }, dispatcher: hostileAgent }).then((r) => ({ status: r.status, detail: r.text }));
        case 'malformed-auth':
          return call('/basic/items', { headers: { authorization: `Basic ${basic(CLIENT.user, WRONG_PASSWORD).slice(6, -2)}` }, dispatcher: hostileAgent }).then((r) => ({ status: r.status, detail: r.text }));
        case 'not-found':
          return call('/nowhere', { headers: { authorization: auth } }).then((r) => ({ status: r.status, detail: r.text }));
        case 'hidden-dot-segments':
          return call('/basic/..%2fadmin', { headers: { authorization: auth } }).then((r) => ({ status: r.status, detail: r.text }));
        case 'too-large':
        case 'too-large-chunked': {
          // On a raw connection: the gateway answers and closes while the body may still be on its way.
          const conn = await RawConnection.open(port);
          try {
            const head = `POST /basic/upload HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: ${auth}\r\n`;
            if (kind === 'too-large') conn.write(`${head}Content-Length: ${MAX_BODY + 1}\r\n\r\n`);
            else {
              const chunk = 'z'.repeat(64 * 1024);
              conn.write(`${head}Transfer-Encoding: chunked\r\n\r\n${`10000\r\n${chunk}\r\n`.repeat(5)}0\r\n\r\n`);
            }
            const res = await conn.response(30_000);
            if (!res) throw new Error('no answer before the connection closed');
            return { status: res.status, detail: res.body };
          } finally {
            conn.close();
          }
        }
      }
    }

    // Paced workers.
    const started = Date.now();
    const deadline = started + SECONDS * 1000;
    const interval = 1000 / RATE;
    let nextSlot = started;
    async function worker(): Promise<void> {
      while (Date.now() < deadline && !exited) {
        const now = Date.now();
        nextSlot = Math.max(nextSlot + interval, now);
        if (nextSlot > now) await sleep(nextSlot - now);
        const kind = pick();
        const i = stats.sent;
        stats.sent += 1;
        try {
          const { status, detail } = await send(kind, i);
          stats.answered += 1;
          const counts = stats.byKind.get(kind) ?? new Map<number, number>();
          counts.set(status, (counts.get(status) ?? 0) + 1);
          stats.byKind.set(kind, counts);
          if (!EXPECTED[kind].includes(status) || detail.startsWith('realm ') || detail.startsWith('backend ') || detail.startsWith('no client')) {
            stats.unexpected.push({ kind, status, detail });
          }
        } catch (error) {
          stats.lost.push({ kind, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
        }
      }
    }

    // Events: reloads, token revocations, CSRF session rotations, samples.
    const samples: { t: number; rssKb: number; fds: number; answered: number }[] = [];
    let tokenFetches = 0;
    let csrfFetches = 0;
    const csrfValues = new Set<string>();
    const timers: NodeJS.Timeout[] = [];
    const every = (ms: number, fn: () => void | Promise<void>) => timers.push(setInterval(() => void fn(), ms));
    every(RELOAD_SECONDS * 1000, async () => {
      generation += 1;
      const temp = `${configFile}.tmp`;
      await writeFile(temp, JSON.stringify(workspace(generation, upstreams), null, 2));
      await rename(temp, configFile); // as the app's workspace store replaces it
    });
    every(7000, () => tokens.revokeAll());
    every(11_000, () => csrf.rotate());
    // The support servers keep every request: drop them, after taking what the figures and the scan need.
    const harvest = () => {
      tokenFetches += tokens.requests.filter((r) => r.accepted).length;
      tokens.requests.length = 0;
      for (const r of csrf.requests) {
        if (r.csrfToken && r.csrfToken !== 'Fetch') csrfValues.add(r.csrfToken);
        const session = /SAP_SESSIONID_GH1=([^;]+)/.exec(r.cookie ?? '')?.[1];
        if (session) csrfValues.add(session);
      }
      csrfFetches = csrf.fetches;
      csrf.requests.length = 0;
      basicBackend.requests.length = 0;
      oauthApi.requests.length = 0;
      mtls.requests.length = 0;
    };
    every(SAMPLE_MS, () => {
      harvest();
      if (!exited) samples.push({ t: (Date.now() - started) / 1000, ...procSample(pid), answered: stats.answered });
    });

    const portNames = new Map<number, string>([
      [port, 'gateway'], [basicBackend.port, 'basic-backend'], [oauthApi.port, 'oauth-api'], [tokens.port, 'token-server'], [mtls.port, 'mtls-backend'], [csrf.port, 'csrf-backend'],
    ]);
    const fdsAtStart = describeFds(pid, portNames);
    console.log(`soak: ${SECONDS} s, up to ${RATE} requests/s over ${CONNECTIONS} workers, reload every ${RELOAD_SECONDS} s, warm-up ${WARMUP_SECONDS} s, gateway pid ${pid}`);
    samples.push({ t: 0, ...procSample(pid), answered: 0 });
    await Promise.all(Array.from({ length: CONNECTIONS }, worker));
    for (const timer of timers) clearInterval(timer);
    harvest();
    const endedAt = Date.now();
    await sleep(1000); // the last log lines, and connections settling
    if (!exited) samples.push({ t: (endedAt - started) / 1000, ...procSample(pid), answered: stats.answered });
    await agent.close();
    await hostileAgent.close();
    // Idle upstream connections close after the backends' keep-alive (5 s, or the pools' 10 s): then the gateway
    // holds what it held at start.
    const idleTarget = samples[0]!.fds + 2;
    let afterTraffic = exited ? undefined : procSample(pid);
    for (let waited = 0; afterTraffic && afterTraffic.fds > idleTarget && waited < 30_000 && !exited; waited += 500) {
      await sleep(500);
      afterTraffic = procSample(pid);
    }
    const idleFds = exited ? [] : describeFds(pid, portNames);

    // Stop the gateway as its supervisor would.
    const alive = !exited;
    if (alive) {
      gateway.kill('SIGTERM');
      await Promise.race([once(gateway, 'exit'), sleep(10_000)]);
    }
    if (!alive) failures.push(`the gateway exited during the run (${JSON.stringify(exited)})`);
    else if (exited?.code !== 0) failures.push(`the gateway did not exit cleanly on SIGTERM (${JSON.stringify(exited)})`);

    // --- figures ---------------------------------------------------------------------------------------------
    const elapsed = (endedAt - started) / 1000;
    console.log(`\nrequests: ${stats.sent} sent, ${stats.answered} answered, ${stats.lost.length} lost, in ${elapsed.toFixed(0)} s (${(stats.answered / elapsed).toFixed(0)}/s)`);
    console.log('\nkind                 expected   statuses');
    for (const [kind] of MIX) {
      const counts = [...(stats.byKind.get(kind) ?? new Map<number, number>())].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join('  ');
      console.log(`${kind.padEnd(20)} ${EXPECTED[kind].join('/').padEnd(10)} ${counts}`);
    }
    console.log(`\ngateway log: ${logLines} lines; statuses ${[...gatewayStatuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join('  ')}; clients ${[...gatewayClients].map(([c, n]) => `${c}×${n}`).join('  ')}`);
    console.log(`reloads: ${generation} written, ${reloadsConfirmed} confirmed; realm checked on ${stats.realmChecks} 401s, ${stats.staleRealm} stale`);
    console.log(`OAuth: ${tokenFetches} tokens issued (expires_in ${TOKEN_LIFETIME_SECONDS} s, all revoked every 7 s), ${seenBearer.size} distinct tokens seen by the API; CSRF: ${csrfFetches} token fetches (sessions rotated every 11 s)`);

    const afterWarmup = samples.filter((s) => s.t >= WARMUP_SECONDS);
    console.log('\n    t s   RSS MB   fds   answered');
    for (const s of samples) console.log(`${s.t.toFixed(0).padStart(7)} ${mb(s.rssKb).padStart(8)} ${String(s.fds).padStart(5)} ${String(s.answered).padStart(10)}${s.t >= WARMUP_SECONDS ? '' : '  (warm-up)'}`);
    if (afterTraffic) console.log(`  idle after the traffic: RSS ${mb(afterTraffic.rssKb)} MB, ${afterTraffic.fds} fds (${samples[0]!.fds} before it)`);

    // RSS: the high-water mark of the last third of the run against the one reached by the end of warm-up. V8's
    // heap grows in steps and shrinks after major collections, moving single samples by tens of MB either way; a
    // leak shows as ever higher high-water marks. Descriptors: medians of the first and last thirds after warm-up.
    const span = SECONDS - WARMUP_SECONDS;
    const warm = samples.filter((s) => s.t <= WARMUP_SECONDS);
    const first = afterWarmup.filter((s) => s.t < WARMUP_SECONDS + span / 3);
    const last = afterWarmup.filter((s) => s.t >= SECONDS - span / 3);
    if (warm.length >= 2 && first.length >= 2 && last.length >= 2) {
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      const rssWarm = Math.max(...warm.map((s) => s.rssKb));
      const rssLast = Math.max(...last.map((s) => s.rssKb));
      const rssGrowth = rssLast / rssWarm - 1;
      // Least-squares slope after warm-up, for information.
      const n = afterWarmup.length;
      const mt = afterWarmup.reduce((a, s) => a + s.t, 0) / n;
      const mr = afterWarmup.reduce((a, s) => a + s.rssKb, 0) / n;
      const slope = afterWarmup.reduce((a, s) => a + (s.t - mt) * (s.rssKb - mr), 0) / afterWarmup.reduce((a, s) => a + (s.t - mt) ** 2, 0);
      const fdGrowth = median(last.map((s) => s.fds)) - median(first.map((s) => s.fds));
      console.log(`\nRSS: ${mb(samples[0]!.rssKb)} MB at start, high-water ${mb(rssWarm)} MB by the end of warm-up, ${mb(rssLast)} MB in the last third (${(rssGrowth * 100).toFixed(1)} %, limit +10 %); trend after warm-up ${((slope * 60) / 1024).toFixed(2)} MB/min`);
      console.log(`fds: median ${median(first.map((s) => s.fds))} in the first third after warm-up, ${median(last.map((s) => s.fds))} in the last (limit +4); ${afterTraffic?.fds ?? '?'} once idle, ${samples[0]!.fds} at start (limit +2)`);
      if (rssGrowth >= 0.1) failures.push(`RSS grew ${(rssGrowth * 100).toFixed(1)} % after warm-up`);
      if (fdGrowth > 4) failures.push(`file descriptors grew by ${fdGrowth} after warm-up`);
    } else failures.push(`too few samples after warm-up (${afterWarmup.length}) to judge memory and descriptors: run longer`);
    if (afterTraffic && afterTraffic.fds > idleTarget) {
      failures.push(`${afterTraffic.fds} file descriptors open once idle, ${samples[0]!.fds} at start`);
      console.log(`descriptors at start:\n  ${fdsAtStart.join('\n  ')}\ndescriptors once idle:\n  ${idleFds.join('\n  ')}`);
    }

    if (stats.lost.length > 0) failures.push(`${stats.lost.length} requests got no answer, e.g. ${JSON.stringify(stats.lost.slice(0, 3))}`);
    if (stats.unexpected.length > 0) failures.push(`${stats.unexpected.length} unexpected answers, e.g. ${JSON.stringify(stats.unexpected.slice(0, 5))}`);
    if (stats.answered !== stats.sent - stats.lost.length) failures.push('answered + lost does not add up to sent');
    if (logLines !== stats.answered) failures.push(`the gateway logged ${logLines} requests, the clients got ${stats.answered} answers`);
    const expectedReloads = Math.floor((elapsed - 1) / RELOAD_SECONDS);
    if (reloadsConfirmed < Math.min(generation, expectedReloads)) failures.push(`${reloadsConfirmed} of ${generation} reloads confirmed`);
    if (tokenFetches < Math.floor(elapsed / (TOKEN_LIFETIME_SECONDS * 2))) failures.push(`only ${tokenFetches} OAuth tokens fetched: expiry did not happen during the run`);

    // --- secrets scan -----------------------------------------------------------------------------------------
    for (const token of seenBearer) scanner.add(token, 'OAuth access token');
    for (const value of csrfValues) scanner.add(value, 'CSRF token or session cookie');
    const selfTest = scanner.scan(`{"x":"a ${CLIENT.password} b"} ${[...seenBearer][0] ?? ''}`);
    if (!selfTest.includes('client password') || (seenBearer.size > 0 && !selfTest.includes('OAuth access token'))) failures.push('the secrets scanner failed its self-test');
    const outputs: [string, string][] = [['gateway stdout', Buffer.concat(stdoutChunks).toString('utf8')], ['gateway stderr', stderr]];
    const written = (await filesUnder(dir)).filter((f) => f !== secretsFile); // the one file holding secrets on purpose: the soak wrote it
    for (const file of written) outputs.push([relative(dir, file), await readFile(file, 'utf8')]);
    let leaks = 0;
    for (const [where, text] of outputs) {
      const found = scanner.scan(text);
      if (found.length > 0) {
        leaks += 1;
        failures.push(`secret values in ${where}: ${found.join(', ')}`);
      }
    }
    const bytes = outputs.reduce((sum, [, text]) => sum + text.length, 0);
    console.log(`secrets scan: ${scanner.size} values over ${outputs.length} outputs (stdout, stderr, ${written.length} files: ${written.map((f) => relative(dir, f)).join(', ')}), ${(bytes / 1024 / 1024).toFixed(1)} MB, ${leaks} with a hit`);
    if ((await stat(configFile)).size === 0) failures.push('the workspace file is empty');
  } finally {
    if (gateway && gateway.exitCode === null && gateway.signalCode === null) gateway.kill('SIGKILL');
    for (const close of closers) await close().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }

  if (failures.length > 0) {
    console.error(`\nSOAK FAILED:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
    return 1;
  }
  console.log('\nsoak passed');
  return 0;
}

process.exitCode = await main();
