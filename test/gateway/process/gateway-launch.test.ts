// Every Node launch of the gateway — the supervisor's fork, `npm run gateway` and `npm start` where there is no
// display (both through build.mjs) — starts it with its environment and no V8 options on its command line (read
// from /proc, that is from the process that was really started), and the gateway sets its V8 options itself
// (gateway/process/v8-flags.ts), and favours memory once quiet (quiet-memory.ts), which V8's own traces show; the
// launchers hold one of Node's nextTick records (tick-object-class.ts), which V8's inline caches show; and the
// gateway validates without compiling parsers from source text (gateway/config/zod-jitless.ts).
import { describe, expect, it } from 'vitest';
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { createServer } from 'node:http';
import { request } from 'undici';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GATEWAY_PROCESS_ENV } from '../../../gateway/process/process-environment';
import { forkGatewayProcess, gatewayProcessOf } from '../../../main/services/gateway-supervisor/gateway-process';
import { GatewaySupervisor } from '../../../main/services/gateway-supervisor/gateway-supervisor';
import { builtGatewayEntry, bundleFolder, bundleGatewayCli } from '../../support/built-gateway';
import { REPO_ROOT } from '../../support/spawn-cli';
import { childProcesses } from '../../bench/process-stats';

/** The environment as `NAME=value` entries, the form of /proc/<pid>/environ. */
const ENVIRONMENT = Object.entries(GATEWAY_PROCESS_ENV).map(([name, value]) => `${name}=${value}`);
const SCRIPTS = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
const BUILT_CLI = join(REPO_ROOT, 'out/gateway/cli.cjs');
const commandLine = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');

/** Started with the gateway's environment, and nothing between Node and the script it runs (`script`). */
function expectStartedAsGateway(pid: number, script: string): void {
  const argv = commandLine(pid);
  expect(argv.slice(1, argv.indexOf(script) + 1)).toEqual([script]);
  const environment = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  for (const entry of ENVIRONMENT) expect(environment).toContain(entry);
}

/** Resolves with `pattern`'s match once `child` has printed it (the CLI reports on stderr: stdout is for data); rejects if it exits first. */
function printed(child: ChildProcess, pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onExit = (code: number | null) => reject(new Error(`exited (${code}) before printing ${pattern}: ${seen}`));
    // Once matched it stops reading: a traced gateway prints for as long as it serves.
    const read = (text: string) => {
      seen += text;
      const match = pattern.exec(seen);
      if (!match) return;
      child.stdout?.off('data', read);
      child.stderr?.off('data', read);
      child.off('exit', onExit);
      resolve(match);
    };
    child.stdout?.setEncoding('utf8').on('data', read);
    child.stderr?.setEncoding('utf8').on('data', read);
    child.once('exit', onExit);
  });
}

/**
 * Runs `node build.mjs ARGS` until the gateway CLI it starts is serving, then checks that CLI process's options
 * and environment, stops it and expects the launcher to exit with it.
 */
async function checkLaunch(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const launcher = spawn(process.execPath, ['build.mjs', ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = once(launcher, 'exit');
  let cli: number | undefined;
  try {
    await printed(launcher, /Gatehouse demo gateway on http:\/\//);
    // Beside the CLI, the launcher's children include esbuild's service process.
    cli = childProcesses(launcher.pid!).find((pid) => commandLine(pid).includes(BUILT_CLI));
    expect(cli, 'a child process running out/gateway/cli.cjs').toBeDefined();
    expectStartedAsGateway(cli!, BUILT_CLI);
  } finally {
    if (cli !== undefined) process.kill(cli, 'SIGTERM');
    else for (const pid of [...childProcesses(launcher.pid!), launcher.pid!]) process.kill(pid, 'SIGKILL');
  }
  // The CLI shuts down on SIGTERM (exit 0) and the launcher hands on how it ended.
  const [code, signal] = await exited;
  if (cli !== undefined) expect({ code, signal }).toEqual({ code: 0, signal: null });
}

/** A gateway started with V8's trace of WebAssembly compilations on its stdout. */
interface TracedGateway {
  url: string;
  pid: number;
  /** Everything the gateway's process has printed on stdout: V8's traces, and its request log. */
  trace: () => string;
  stop: () => Promise<void>;
}

/**
 * A traced gateway's stdout, in a file rather than a pipe: V8 prints its traces with C++ streams, and Node makes a
 * stdout pipe non-blocking, so what V8 prints while the pipe is full is lost (a %DebugPrint was cut off midway).
 * `read()` returns everything printed so far, reading only what is new.
 */
class StdoutFile {
  readonly fd: number;
  #text = '';
  #offset = 0;
  readonly #decoder = new StringDecoder('utf8');
  readonly #chunk = Buffer.alloc(1 << 16);

  constructor(path: string) {
    this.fd = openSync(path, 'w+');
  }

  read(): string {
    for (let bytes; (bytes = readSync(this.fd, this.#chunk, 0, this.#chunk.length, this.#offset)) > 0; this.#offset += bytes) {
      this.#text += this.#decoder.write(this.#chunk.subarray(0, bytes));
    }
    return this.#text;
  }

  close(): void {
    closeSync(this.fd);
  }
}

const TRACE = ['--trace-wasm-compilation-times'];

/**
 * The CLI started by `script`: the built launcher, or the CLI's TypeScript source through tsx (no launcher), with
 * Node's `options` (V8's traces, on its stdout).
 */
async function startTracedCli(script: string[], workspaceFile: string, stdout: StdoutFile, options = TRACE): Promise<TracedGateway> {
  const child = spawn(process.execPath, [...options, ...script, '--config', workspaceFile, '--port', '0'], {
    cwd: REPO_ROOT, env: { ...process.env, ...GATEWAY_PROCESS_ENV }, stdio: ['ignore', stdout.fd, 'pipe'],
  });
  const exited = once(child, 'exit');
  const [, url] = await printed(child, /gateway on (http:\/\/\S+)/);
  return {
    url: url!,
    pid: child.pid!,
    trace: () => stdout.read(),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** An upstream answering every request with the bench's JSON, and a workspace file proxying `/` to it. */
async function proxiedUpstream(): Promise<{ upstreamUrl: string; workspaceFile: string; close: () => void }> {
  const upstream = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true,"service":"bench-upstream","items":[1,2,3]}');
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-flags-'));
  const workspaceFile = join(dir, 'workspace.json');
  writeFileSync(workspaceFile, JSON.stringify({ services: [{ name: 'upstream', pathPrefix: '/', upstream: { url: upstreamUrl } }] }));
  return {
    upstreamUrl,
    workspaceFile,
    close: () => {
      upstream.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The gateways a traced test starts, each with Node's `options` (TRACE unless given); all stopped when the test ends. */
interface TracedGateways {
  /** The CLI's TypeScript source through tsx: no launcher, so nothing the launchers do. */
  source: (options?: string[]) => Promise<TracedGateway>;
  /** The built CLI through its launcher. */
  builtCli: (options?: string[]) => Promise<TracedGateway>;
  /** The built entry through its launcher, forked as the supervisor forks it. */
  builtFork: (options?: string[]) => Promise<TracedGateway>;
}

/**
 * Runs `test` with an upstream, a workspace proxying to it and starters for traced gateways, then stops every
 * gateway started and removes what was made. The built CLI is a copy of its own in `copyName`'s folder: a trace
 * option is part of what V8 stamps a code cache with, and the copy in out/ keeps the cache every other start reads.
 */
async function withTracedGateways(copyName: string, test: (gateways: TracedGateways) => Promise<void>): Promise<void> {
  const { upstreamUrl, workspaceFile, close } = await proxiedUpstream();
  const cliFolder = bundleFolder(copyName);
  const outputs = mkdtempSync(join(tmpdir(), 'gatehouse-traced-'));
  const stdoutFiles: StdoutFile[] = [];
  const stdoutFile = () => {
    const file = new StdoutFile(join(outputs, `stdout-${stdoutFiles.length}`));
    stdoutFiles.push(file);
    return file;
  };
  const started: TracedGateway[] = [];
  const tracked = async (starting: Promise<TracedGateway>) => {
    const gateway = await starting;
    started.push(gateway);
    return gateway;
  };
  try {
    await test({
      source: (options) => tracked(startTracedCli(['--import', 'tsx', 'main/cli/main.ts'], workspaceFile, stdoutFile(), options)),
      builtCli: async (options) => tracked(startTracedCli([await bundleGatewayCli(cliFolder)], workspaceFile, stdoutFile(), options)),
      builtFork: async (options) => tracked(startTracedFork(await builtGatewayEntry(), upstreamUrl, stdoutFile(), options)),
    });
  } finally {
    for (const gateway of started) await gateway.stop();
    for (const file of stdoutFiles) file.close();
    close();
    rmSync(cliFolder, { recursive: true, force: true });
    rmSync(outputs, { recursive: true, force: true });
  }
}

/** One proxied GET, answered in full. */
async function proxiedGet(url: string): Promise<void> {
  const res = await request(`${url}/json`);
  await res.body.text();
  expect(res.statusCode).toBe(200);
}

/** The built entry forked as the supervisor forks it, with Node's `options` (V8's traces in `stdout`), run by a supervisor. */
async function startTracedFork(entry: string, upstreamUrl: string, stdout: StdoutFile, options = TRACE): Promise<TracedGateway> {
  let pid = 0;
  const supervisor = new GatewaySupervisor({
    spawn: () => {
      const child = fork(entry, [], { execArgv: options, stdio: ['ignore', stdout.fd, 'inherit', 'ipc'], env: { PATH: process.env.PATH ?? '', ...GATEWAY_PROCESS_ENV } });
      pid = child.pid!;
      return gatewayProcessOf(child);
    },
    collectSecrets: async () => ({}),
    backoff: { initialMs: 100, maxMs: 1000 },
    // Any free port: the workspace's default, 9080, may be taken (a demo gateway left running failed CI run 168).
    port: 0,
  });
  const status = await supervisor.start({ services: [{ name: 'upstream', pathPrefix: '/', upstream: { url: upstreamUrl } }] });
  expect(status.state).toBe('running');
  return { url: status.url!, pid, trace: () => stdout.read(), stop: () => supervisor.stop() };
}

const TURBOFAN = /using TurboFan/;

const GC_TRACE = ['--trace-gc-verbose'];

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** See the test below: busy, the reducer's checks say "foreground"; quiet, its next check "background", and it collects. */
async function expectMemoryGivenBackWhenQuiet(gateway: TracedGateway): Promise<void> {
  const trace = reducerTrace(gateway);
  // Busy: requests from 16 clients at once, until the reducer has checked under load and waits for its next check.
  let busy = true;
  const clients = Array.from({ length: 16 }, async () => {
    while (busy) await proxiedGet(gateway.url);
  });
  while (!trace.next().some((line) => line.startsWith('waiting'))) await tick(20);
  busy = false;
  await Promise.all(clients);
  const checks = (lines: string[]) => lines.filter((line) => / alloc, /.test(line));
  expect(checks(trace.seen).map((line) => line.split(', ')[1])).not.toContain('background');

  const quiet: string[] = [];
  while (checks(quiet).length === 0) {
    quiet.push(...trace.next());
    await tick(100);
  }
  expect(checks(quiet)[0]).toMatch(/ alloc, background$/);
  while (!quiet.some((line) => line.startsWith('finished GC'))) {
    quiet.push(...trace.next());
    await tick(100);
  }
  await proxiedGet(gateway.url);
}

/** V8's memory reducer's lines in a gateway's trace, in order: `next()` returns those printed since its last call. */
function reducerTrace(gateway: TracedGateway): { next: () => string[]; seen: string[] } {
  let read = 0;
  const seen: string[] = [];
  return {
    seen,
    next: () => {
      const text = gateway.trace();
      const end = text.lastIndexOf('\n') + 1;
      const lines = [...text.slice(read, end).matchAll(/Memory reducer: (.*)/g)].map((match) => match[1]!);
      read = Math.max(read, end);
      seen.push(...lines);
      return lines;
    },
  };
}

/** Node's options for a gateway the tick probe watches (test/fixtures/tick-feedback-probe.mjs says what it does). */
const TICK_PROBE = ['--expose-gc', '--allow-natives-syntax', '--import', join(REPO_ROOT, 'test/fixtures/tick-feedback-probe.mjs')];

/** Signals the probe preloaded into the gateway; returns what the gateway printed since, once `done` matches it. */
async function signalProbe(gateway: TracedGateway, done: RegExp): Promise<string> {
  const from = gateway.trace().length;
  process.kill(gateway.pid, 'SIGUSR2');
  for (;;) {
    const printed = gateway.trace().slice(from);
    if (done.test(printed)) return printed;
    await tick(20);
  }
}

/**
 * Signals the probe for the `n`th time and waits for the collections it then runs; returns the states of the caches
 * nextTick builds its records through, as the probe printed them before collecting.
 */
async function tickCaches(gateway: TracedGateway, n: number): Promise<string[]> {
  const text = await signalProbe(gateway, new RegExp(`tick-probe: collected ${n}\n`));
  const feedback = text.slice(text.indexOf(`tick-probe: feedback ${n} begin`), text.indexOf(`tick-probe: feedback ${n} end`));
  return [...feedback.matchAll(/DefineKeyedOwnPropertyInLiteral (\w+)/g)].map((match) => match[1]!);
}

/** The caches' states once traffic has warmed them, and again after three full collections and more traffic. */
async function tickCachesAcrossCollections(gateway: TracedGateway): Promise<{ warm: string[]; afterCollections: string[] }> {
  for (let i = 0; i < 20; i += 1) await proxiedGet(gateway.url);
  const warm = await tickCaches(gateway, 1);
  for (let i = 0; i < 20; i += 1) await proxiedGet(gateway.url);
  return { warm, afterCollections: await tickCaches(gateway, 2) };
}

const FUNCTION_PROBE = ['--import', join(REPO_ROOT, 'test/fixtures/function-constructor-probe.mjs')];

const FUNCTION_PROBE_REPORT = /function-probe: .*/;

/** The probe's report: how many functions the gateway compiled from source text so far, and how each begins. */
async function compiledFromText(gateway: TracedGateway): Promise<string> {
  return FUNCTION_PROBE_REPORT.exec(await signalProbe(gateway, FUNCTION_PROBE_REPORT))![0];
}

/** nextTick's record has four properties: two symbol keys (its async ids), `callback` and `args`. */
const MONOMORPHIC_RECORD = Array(4).fill('MONOMORPHIC');

describe.runIf(process.platform === 'linux')('gateway launches', () => {
  it('the supervisor forks the gateway process with its environment and no V8 options', async () => {
    const entry = await builtGatewayEntry();
    const gateway = forkGatewayProcess(entry);
    try {
      expectStartedAsGateway(gateway.pid!, entry);
    } finally {
      gateway.kill();
    }
  });

  it('`npm run gateway` (build.mjs gateway) starts the CLI with its environment and no V8 options', async () => {
    expect(SCRIPTS.gateway).toBe('node build.mjs gateway');
    await checkLaunch(['gateway', '--demo', '--port', '0'], {});
  }, 60_000);

  it('a CLI that fails makes `npm run gateway` fail with its status and message, and nothing of the launcher', async () => {
    const launcher = spawn(process.execPath, ['build.mjs', 'gateway', '--config', 'no-such-workspace.json'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let errors = '';
    launcher.stderr.setEncoding('utf8').on('data', (text: string) => (errors += text));
    launcher.stdout.resume();
    const [code] = await once(launcher, 'exit');
    expect(code).toBe(1);
    expect(errors).toContain('no-such-workspace.json');
    expect(errors).not.toContain('build.mjs');
  }, 60_000);

  // Here, beside the other runs of build.mjs gateway: each rebuilds out/gateway, so they must not overlap.
  it('README\'s schema command, as written, puts the JSON Schema alone on stdout (npm\'s banner stays out)', async () => {
    const line = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8').split('\n').find((l) => l.startsWith('npm run') && l.includes(' schema > '));
    expect(line).toBeDefined();
    const command = line!.slice(0, line!.indexOf(' > '));
    const run = spawnSync('sh', ['-c', command], { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ $schema: expect.any(String) });
  }, 60_000);

  it('`npm start` with no display starts the headless demo with its environment and no V8 options', async () => {
    expect(SCRIPTS.start).toBe('node build.mjs start');
    await checkLaunch(['start', '--port', '0'], { DISPLAY: '', WAYLAND_DISPLAY: '' });
  }, 180_000);

  // Why --liftoff-only is there: V8 otherwise tiers undici's WebAssembly HTTP parser up with TurboFan soon after
  // the first responses, a compile whose working memory stayed resident in half the starts. The control is the
  // CLI's source run through tsx, without the launcher that sets the options: it shows how many requests bring
  // that compile here, and that the trace reports it. Then the built CLI and the built fork, each through its
  // launcher, serve twice as many (at least 50) with no such compile.
  it('set by the launchers, undici\'s WebAssembly HTTP parser is never compiled with TurboFan (without them it is)', async () => {
    await withTracedGateways('traced-cli', async ({ source, builtCli, builtFork }) => {
      const control = await source();
      let requests = 0;
      // Until the compile is reported; a V8 that stopped tiering the parser up would hang here (test timeout). Only
      // what is traced from the first request on: at start-up Node's ES module loader compiles WebAssembly of its own.
      const startUp = control.trace().length;
      while (!TURBOFAN.test(control.trace().slice(startUp))) {
        await proxiedGet(control.url);
        requests += 1;
      }
      await control.stop();
      const served = Math.max(2 * requests, 50);
      for (const gateway of [await builtCli(), await builtFork()]) {
        for (let i = 0; i < served; i += 1) await proxiedGet(gateway.url);
        expect(gateway.trace()).toMatch(/using Liftoff/);
        expect(gateway.trace()).not.toMatch(TURBOFAN);
      }
    });
  }, 120_000);

  // Why the gateway has V8 favour memory once it is quiet (gateway/process/quiet-memory.ts): V8's memory reducer,
  // armed by a collection under load, checks the heap every 8 s and gives memory back only at a check that finds the
  // allocation rate low or the process favouring memory, as a background tab. Its trace (--trace-gc-verbose) says
  // which at each check: "foreground" or "background". Node never puts V8 in the background, so without the
  // watch no check says "background". The traffic stops just after a check that waited, so the next one comes a
  // whole 8 s later, after the quiet spell (2-4 s) has begun: that check must say "background", and the reducer's
  // collections follow. Then the gateway serves again. The built CLI and the built fork, each through its launcher.
  it('quiet after traffic, the gateway has V8 favour memory, and V8\'s memory reducer gives the heap back', async () => {
    await withTracedGateways('quiet-cli', async ({ builtCli, builtFork }) => {
      await expectMemoryGivenBackWhenQuiet(await builtCli(GC_TRACE));
      await expectMemoryGivenBackWhenQuiet(await builtFork(GC_TRACE));
    });
  }, 180_000);

  // Why the launchers hold one of Node's nextTick records (gateway/process/tick-object-class.ts): nextTick builds its
  // records as an object literal with computed keys, through inline caches that hold the record's class weakly. Once
  // no record is alive through a few full collections (or one memory-reducing collection of a quiet gateway), V8
  // collects the class, the caches go megamorphic, and every nextTick after that takes a runtime call. The probe
  // prints the caches' states and runs the collections. The control, the CLI's source through tsx without the
  // launchers, shows the caches go megamorphic; the built CLI and the built fork, each through its launcher, keep them
  // monomorphic.
  it('held by the launchers, nextTick\'s record class outlives collections (without, nextTick\'s caches go megamorphic)', async () => {
    await withTracedGateways('tick-cli', async ({ source, builtCli, builtFork }) => {
      const control = await tickCachesAcrossCollections(await source(TICK_PROBE));
      expect(control.warm).toEqual(MONOMORPHIC_RECORD);
      expect(control.afterCollections).toContain('MEGAMORPHIC');
      for (const gateway of [await builtCli(TICK_PROBE), await builtFork(TICK_PROBE)]) {
        const held = await tickCachesAcrossCollections(gateway);
        expect(held.warm).toEqual(MONOMORPHIC_RECORD);
        expect(held.afterCollections).toEqual(MONOMORPHIC_RECORD);
      }
    });
  }, 120_000);

  it('the gateway validates its workspace without compiling parsers from source text (zod with its defaults does)', async () => {
    // The control: the probe sees zod's JIT compile an object schema's parser in a process that leaves zod's defaults.
    const control = spawnSync(process.execPath, [...FUNCTION_PROBE, '-e', "const z = require('zod'); z.object({ a: z.string() }).parse({ a: 'x' }); process.emit('SIGUSR2');"], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(control.stdout).toMatch(/^function-probe: [1-9]\d* compiled .*payload/m);
    await withTracedGateways('jitless-cli', async ({ builtCli, builtFork }) => {
      for (const gateway of [await builtCli(FUNCTION_PROBE), await builtFork(FUNCTION_PROBE)]) {
        await proxiedGet(gateway.url);
        expect(await compiledFromText(gateway)).toBe('function-probe: 0 compiled');
      }
    });
  }, 60_000);
});
