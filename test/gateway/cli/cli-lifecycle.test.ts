// The headless gateway's process life: a log reader that goes away does not take it down; a stop lets the
// requests in flight finish (a token still being fetched included) within --drain-seconds, then cuts what is left;
// an empty --host or gateway.host (which would listen on every interface) is refused.
import { afterAll, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { request } from 'undici';
import { spawnGatewayCli, type RunningCli } from '../../support/spawn-cli';
import { startRecordingUpstream, type RecordingUpstream } from '../../support/recording-upstream';
import { freePort } from '../../support/loopback-ports';

const running: RunningCli[] = [];
const upstreams: RecordingUpstream[] = [];
afterAll(async () => {
  await Promise.all(running.map((r) => r.stop()));
  await Promise.all(upstreams.map((u) => u.close()));
});

async function workspaceFile(workspace: unknown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-life-'));
  const file = join(dir, 'workspace.json');
  await writeFile(file, JSON.stringify(workspace));
  return file;
}

async function serving(workspace: unknown, extra: string[] = []): Promise<{ cli: RunningCli; url: string }> {
  const port = await freePort();
  const cli = spawnGatewayCli(['--config', await workspaceFile(workspace), '--port', String(port), ...extra], { GATEHOUSE_SECRETS: JSON.stringify({ oauth: { clientId: 'c', clientSecret: 's' } }) });
  running.push(cli);
  await cli.waitFor(/Gatehouse gateway on/);
  return { cli, url: `http://127.0.0.1:${port}` };
}

/** Waits for `condition` a turn at a time; the test's timeout catches one that never comes. */
async function until(condition: () => boolean): Promise<void>;
async function until<T>(found: () => T[]): Promise<T[]>;
async function until<T>(check: () => boolean | T[]): Promise<void | T[]> {
  for (;;) {
    const result = check();
    if (Array.isArray(result) ? result.length > 0 : result) return Array.isArray(result) ? result : undefined;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The processes whose parent is `pid`, from /proc (whichever thread of it started them). */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).map(Number).filter((child) => {
    try {
      return Number(readFileSync(`/proc/${child}/stat`, 'latin1').split(') ')[1]!.split(' ')[1]) === pid;
    } catch {
      return false; // gone meanwhile
    }
  });
}

/**
 * The gateway's own process: tsx, which runs it here, passes on SIGINT and SIGTERM only. Found by its command line
 * among tsx's children (esbuild's service is one too), and never pid 0, which would signal this group.
 */
async function gatewayProcess(cli: RunningCli): Promise<number[]> {
  const gateway = await until(() => childrenOf(cli.child.pid!).filter((pid) => readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes('main/cli/main.ts')));
  expect(gateway).toHaveLength(1);
  return gateway;
}

const exited = (cli: RunningCli) => (cli.child.exitCode !== null ? Promise.resolve(cli.child.exitCode) : once(cli.child, 'exit').then(([code]) => code as number));

describe('the headless gateway process', () => {
  it('keeps serving when its stdout reader goes away, and says once that log lines are dropped', async () => {
    const upstream = await startRecordingUpstream();
    upstreams.push(upstream);
    const { cli, url } = await serving({ services: [{ name: 'open', pathPrefix: '/open', upstream: { url: upstream.url } }] });
    expect((await request(`${url}/open/one`)).statusCode).toBe(200);
    cli.child.stdout!.destroy(); // as `| head -1` does once it has its line
    for (let i = 0; i < 5; i += 1) {
      const res = await request(`${url}/open/after-${i}`);
      expect(res.statusCode).toBe(200);
      await res.body.dump();
    }
    await cli.waitFor(/stdout failed \(EPIPE\): request log lines are dropped from now on; the gateway keeps serving/);
    expect(cli.child.exitCode).toBeNull();
    expect(cli.stderr().match(/stdout failed/g)).toHaveLength(1);
  });

  it('on SIGTERM, lets a request still fetching its token finish before it closes the pools, then exits 0', async () => {
    let releaseToken!: () => void;
    const tokenHeld = new Promise<void>((resolve) => (releaseToken = resolve));
    let tokenAsked!: () => void;
    const asked = new Promise<void>((resolve) => (tokenAsked = resolve));
    const upstream = await startRecordingUpstream((req, res: ServerResponse) => {
      if (req.url === '/token') {
        tokenAsked();
        void tokenHeld.then(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: 't', token_type: 'Bearer', expires_in: 300 })));
        return;
      }
      res.end('served');
    });
    upstreams.push(upstream);
    const { cli, url } = await serving({
      services: [{ name: 'api', pathPrefix: '/api', upstream: { url: upstream.url }, endpointSecurity: { type: 'oauth2-client-credentials', tokenUrl: `${upstream.url}/token`, secret: 'oauth' } }],
    });
    const answer = request(`${url}/api/x`);
    await asked;
    cli.child.kill('SIGTERM');
    await cli.waitFor(/stopping: 1 request in flight, given up to 10 s to finish/);
    releaseToken();
    const res = await answer;
    expect(res.statusCode).toBe(200);
    expect(await res.body.text()).toBe('served');
    expect(await exited(cli)).toBe(0);
  });

  it('on SIGTERM, cuts a stream that never ends once --drain-seconds have passed, says so, logs the cut as its own, and exits 0', async () => {
    const upstream = await startRecordingUpstream((req, res) => {
      if (req.url === '/never-answers') return; // the upstream takes its time: no head by the deadline
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: first\n\n');
    });
    upstreams.push(upstream);
    const { cli, url } = await serving({ services: [{ name: 'events', pathPrefix: '/events', upstream: { url: upstream.url } }] }, ['--drain-seconds', '1']);
    const res = await request(`${url}/events/stream`);
    const body = res.body;
    const first = await new Promise<string>((resolve) => body.once('data', (chunk: Buffer) => resolve(chunk.toString())));
    expect(first).toBe('data: first\n\n');
    body.on('error', () => undefined);
    const unanswered = request(`${url}/events/never-answers`).catch((error: unknown) => error);
    await expect.poll(() => upstream.requests.length).toBe(2);
    cli.child.kill('SIGTERM');
    await cli.waitFor(/stopping: 2 requests in flight, given up to 1 s to finish/);
    expect(await exited(cli)).toBe(0);
    expect(cli.stderr()).toMatch(/stopped: 2 requests still in flight after 1 s cut off/);
    await unanswered;
    // Neither client left: the gateway cut them. 444 is logged for the one that got no status (nginx's "closed
    // without a response"), never sent.
    const lines = cli.stdout().trim().split('\n').map((line) => JSON.parse(line) as { path: string; status: number; error: string | null });
    expect(lines.map(({ path, status, error }) => ({ path, status, error })).sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: '/events/never-answers', status: 444, error: 'GATEWAY_STOPPED' },
      { path: '/events/stream', status: 200, error: 'GATEWAY_STOPPED' },
    ]);
  });

  it('on a second SIGTERM while it drains, cuts what is still in flight at once, says so, logs it as its own cut, and exits 0', async () => {
    const upstream = await startRecordingUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: first\n\n');
    });
    upstreams.push(upstream);
    // A drain no test could wait out: only the second signal ends it.
    const { cli, url } = await serving({ services: [{ name: 'events', pathPrefix: '/events', upstream: { url: upstream.url } }] }, ['--drain-seconds', '3600']);
    const res = await request(`${url}/events/stream`);
    res.body.on('error', () => undefined);
    await new Promise((resolve) => res.body.once('data', resolve));
    const [gateway] = await gatewayProcess(cli);
    process.kill(gateway!, 'SIGTERM');
    await cli.waitFor(/stopping: 1 request in flight, given up to 3600 s to finish \(SIGTERM again cuts them now\)/);
    process.kill(gateway!, 'SIGTERM');
    await cli.waitFor(/SIGTERM again: cutting 1 request in flight now/);
    expect(await exited(cli)).toBe(0);
    expect(cli.stderr()).toMatch(/stopped: 1 request still in flight at the second SIGTERM cut off/);
    const lines = cli.stdout().trim().split('\n').map((line) => JSON.parse(line) as { path: string; status: number; error: string | null });
    expect(lines.map(({ path, status, error }) => ({ path, status, error }))).toEqual([{ path: '/events/stream', status: 200, error: 'GATEWAY_STOPPED' }]);
  });

  it('does not open a debugger on SIGUSR1 (a heap snapshot would hold its credentials): it says so and keeps serving', async () => {
    const upstream = await startRecordingUpstream();
    upstreams.push(upstream);
    const { cli, url } = await serving({ services: [{ name: 'open', pathPrefix: '/open', upstream: { url: upstream.url } }] });
    const [gateway] = await gatewayProcess(cli);
    process.kill(gateway!, 'SIGUSR1');
    await cli.waitFor(/SIGUSR1 ignored: the gateway does not open a debugger/);
    // Node prints this line when its inspector listens; the request below comes after the signal was handled.
    const res = await request(`${url}/open/x`);
    expect(res.statusCode).toBe(200);
    await res.body.dump();
    expect(cli.stderr()).not.toMatch(/Debugger listening/);
    expect(cli.child.exitCode).toBeNull();
  });

  it('reads the secrets file again for each reload, and reloads when it changes: an added consumer and a rotated password work', async () => {
    const upstream = await startRecordingUpstream();
    upstreams.push(upstream);
    const dir = await mkdtemp(join(tmpdir(), 'gatehouse-life-secrets-'));
    const config = join(dir, 'workspace.json');
    const secrets = join(dir, 'secrets.json');
    const consumer = (name: string) => ({ username: name, basicAuth: { password: { secret: `${name}-pw`, key: 'password' } } });
    const workspace = (names: string[]) => JSON.stringify({ services: [{ name: 'api', pathPrefix: '/api', upstream: { url: upstream.url }, plugins: { 'basic-auth': {} } }], consumers: names.map(consumer) });
    await writeFile(config, workspace(['alex']));
    await writeFile(secrets, JSON.stringify({ 'alex-pw': { password: 'one' } }));
    const port = await freePort();
    const cli = spawnGatewayCli(['--config', config, '--secrets', secrets, '--port', String(port)]);
    running.push(cli);
    await cli.waitFor(/Gatehouse gateway on/);
    const status = async (user: string, password: string) => {
      const res = await request(`http://127.0.0.1:${port}/api/x`, { headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` } });
      await res.body.dump();
      return res.statusCode;
    };
    expect(await status('alex', 'one')).toBe(200);

    await writeFile(secrets, JSON.stringify({ 'alex-pw': { password: 'one' }, 'bob-pw': { password: 'two' } }));
    await writeFile(config, workspace(['alex', 'bob']));
    // Two writes: one reload for both, or one for each on a slow machine; either way bob signs in at the end.
    while ((await status('bob', 'two')) !== 200) await new Promise((resolve) => setTimeout(resolve, 50));

    const reloads = cli.stderr().match(/reloaded/g)!.length;
    await writeFile(secrets, JSON.stringify({ 'alex-pw': { password: 'rotated' }, 'bob-pw': { password: 'two' } }));
    await until(() => cli.stderr().match(/reloaded/g)!.length > reloads);
    expect(await status('alex', 'one')).toBe(401);
    expect(await status('alex', 'rotated')).toBe(200);
    // Never the false reason the file had been read only at start for.
    expect(cli.stderr()).not.toMatch(/secret "bob-pw" not found/);
  });

  it('on SIGHUP reads its files again and keeps serving, as nginx does', async () => {
    const upstream = await startRecordingUpstream();
    upstreams.push(upstream);
    const { cli, url } = await serving({ services: [{ name: 'open', pathPrefix: '/open', upstream: { url: upstream.url } }] });
    const gateway = await gatewayProcess(cli);
    process.kill(gateway[0]!, 'SIGHUP');
    await cli.waitFor(/SIGHUP: reading \S+workspace\.json again\n(.|\n)*reloaded/);
    expect(cli.child.exitCode).toBeNull();
    const res = await request(`${url}/open/x`);
    expect(res.statusCode).toBe(200);
    await res.body.dump();
  });

  // One process a case, each with the test timeout to itself: ten CLI starts in one test took 18-25 s in CI (30 s
  // allowed), and under a second load on the machine they ran out of time.
  it.each([
    { args: ['--bogus'], says: "Unknown option '--bogus'" },
    { args: ['--config'], says: "Option '-c, --config <value>' argument missing" },
    { args: ['--config', tmpdir()], says: `--config ${tmpdir()}: a folder, not a workspace file` },
    { args: ['--demo', '--config', '/missing.yaml'], says: '--demo serves its own workspace and secrets: leave out --config, or --demo' },
    ...['', '1.5', '+1', '3601', '0x10'].map((bad) => ({ args: ['--demo', '--drain-seconds', bad], says: `--drain-seconds: expected 0-3600, got "${bad}"` })),
    { args: ['imprt', 'apk.json'], says: 'unknown command "imprt"\nUsage:' },
    { args: ['--demo', 'extra'], says: 'unexpected argument "extra"\nUsage:' },
    { args: ['schema', 'ws.schema.json'], says: 'schema takes no arguments (got "ws.schema.json"); it prints to stdout' },
  ])('exits 2 for a command line it cannot read: $args', async ({ args, says }) => {
    const cli = spawnGatewayCli(args);
    running.push(cli);
    expect(await exited(cli)).toBe(2);
    expect(cli.stderr()).toContain(says);
  });

  it.each([
    { name: 'a --config that is not there', make: async (dir: string) => ['--config', join(dir, 'absent.yaml')], says: (dir: string) => `gatehouse: cannot read ${join(dir, 'absent.yaml')}: no such file or folder (ENOENT)` },
    {
      name: 'a --config that is a link to nothing',
      make: async (dir: string) => (await symlink(join(dir, 'gone.yaml'), join(dir, 'ws.yaml')), ['--config', join(dir, 'ws.yaml')]),
      says: (dir: string) => `gatehouse: cannot read ${join(dir, 'ws.yaml')}: a symbolic link to ${join(dir, 'gone.yaml')}, which does not exist`,
    },
    {
      name: 'a --secrets that is not there',
      make: async (dir: string) => (await writeFile(join(dir, 'ws.yaml'), 'services: []\n'), ['--config', join(dir, 'ws.yaml'), '--secrets', join(dir, 'absent.json'), '--port', '0']),
      says: (dir: string) => `gatehouse: cannot read ${join(dir, 'absent.json')}: no such file or folder (ENOENT)`,
    },
  ])('exits 1 naming the file and why it cannot be read: $name', async ({ make, says }) => {
    const dir = await mkdtemp(join(tmpdir(), 'gatehouse-cli-files-'));
    try {
      const cli = spawnGatewayCli(await make(dir));
      running.push(cli);
      expect(await exited(cli)).toBe(1);
      expect(cli.stderr()).toContain(says(dir));
      expect(cli.stderr()).not.toContain('ENOENT: no such file or directory');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('prints --help on stdout and exits 0', async () => {
    const help = spawnGatewayCli(['--help']);
    running.push(help);
    expect(await exited(help)).toBe(0);
    expect(help.stdout()).toMatch(/^Usage:\n {2}npm run gateway -- --demo/);
    // The app's CLI reads the keychain after the file and the environment variable: its usage says so.
    expect(help.stdout()).toContain('come from --secrets FILE, then the GATEHOUSE_SECRETS environment variable, then the OS keychain, never from the workspace file');
  });

  it.each([
    ['import', '--help'],
    ['export', '-h'],
    ['plan', '--help'],
  ])('%s %s prints that command\'s usage on stdout and exits 0, as --help does', async (command, flag) => {
    const help = spawnGatewayCli([command, flag]);
    running.push(help);
    expect(await exited(help)).toBe(0);
    expect(help.stdout()).toMatch(new RegExp(`^Usage:\\n {2}npm run gateway -- \\S*${command}`));
    expect(help.stderr()).toBe('');
  });

  it('refuses an empty --host or gateway.host, which would listen on every interface', async () => {
    const file = await workspaceFile({ services: [] });
    const flag = spawnGatewayCli(['--config', file, '--port', '0', '--host', '']);
    running.push(flag);
    expect(await exited(flag)).toBe(2);
    expect(flag.stderr()).toContain('--host: an address to listen on, such as 127.0.0.1 (empty would listen on every interface)');
    const field = spawnGatewayCli(['--config', await workspaceFile({ gateway: { host: '' } }), '--port', '0']);
    running.push(field);
    expect(await exited(field)).toBe(1);
    expect(field.stderr()).toContain('gateway.host: an address to listen on, such as 127.0.0.1 (empty would listen on every interface)');
  });
});
