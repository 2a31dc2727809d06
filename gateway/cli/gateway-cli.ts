// Headless gateway: `--demo`, or `--config FILE` with secrets from `--secrets FILE` / $GATEHOUSE_SECRETS
// (and whatever sources the caller adds, such as the OS keychain).
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { readJsonOrYaml, utf8Text } from '../config/parse-document';
import { readNamedFile } from '../config/named-file';
import { workspaceJsonSchema } from '../config/json-schema';
import { startGateway, type Gateway } from '../server/gateway-server';
import { jsonLineSink, type RequestLogEntry } from '../log/request-log';
import type { ConnectionLogEntry } from '../log/connection-log';
import { counted } from '../config/counted';
import { MemorySecretSource, SecretResolver, type SecretSource } from '../secrets/secret-source';
import { SecretsFileSource, secretSourceFromEnv } from '../secrets/secrets-file';
import { startDemoUpstream } from '../demo/demo-upstream';
import type { ClusterAccess } from '../cluster/cluster-access';
import { shownServer } from '../cluster/shown-server';
import { DEMO_CONSUMER, DEMO_SECRETS, demoWorkspace } from '../demo/demo-workspace';
import { GatehouseError, withHint } from '../errors/gatehouse-error';
import { QuietMemoryWatch } from '../process/quiet-memory';
import { watchConfig } from './config-watch';
import { keepInspectorClosed } from '../process/inspector-signal';
import { invalidFileText } from './reload-status';
import { validateWorkspace } from '../config/validate';

const USAGE = `Usage:
  npm run gateway -- --demo [--port N] [--host H] [--drain-seconds N]
  npm run gateway -- --config WORKSPACE.(json|yaml) [--secrets SECRETS.(json|yaml)] [--port N] [--host H]
                     [--kubeconfig FILE] [--context NAME]    serviceInfo backends through the API server
                     [--drain-seconds N]   on SIGTERM/SIGINT, how long requests in flight may finish (default 10)
  npm run gateway -- schema            print the workspace JSON Schema
`;

/** Where the usage says secret values come from: --secrets and $GATEHOUSE_SECRETS, then the caller's sources. */
function secretsLine(extraSourcesName: string | undefined): string {
  const sources = extraSourcesName ? `--secrets FILE, then the GATEHOUSE_SECRETS environment variable, then ${extraSourcesName}` : '--secrets FILE or the GATEHOUSE_SECRETS environment variable';
  return `
Secrets ({"name": {"key": "value"}}) come from ${sources}, never from the workspace file.
The config file is watched: edits are applied without dropping requests.`;
}

const say = (line: string) => process.stderr.write(`${line}\n`);

export interface GatewayCliOptions {
  /** Consulted after --secrets and $GATEHOUSE_SECRETS (the app's CLI adds the OS keychain here). */
  extraSecretSources?: () => Promise<SecretSource[]>;
  /** What the usage calls `extraSecretSources`: "the OS keychain". */
  extraSecretSourcesName?: string;
  /** Extra usage lines for commands the caller handles itself. */
  usage?: string;
}

/** Where the CLI's secret values come from, in order: --secrets FILE, $GATEHOUSE_SECRETS, then the caller's (the keychain). */
export async function secretSources(secretsFile: string | undefined, options: GatewayCliOptions): Promise<SecretSource[]> {
  const sources: SecretSource[] = [];
  if (secretsFile) sources.push(await SecretsFileSource.open(secretsFile));
  const fromEnv = await secretSourceFromEnv(process.env);
  if (fromEnv) sources.push(fromEnv);
  sources.push(...((await options.extraSecretSources?.()) ?? []));
  return sources;
}

/**
 * Cluster access for `serviceInfo` backends: from --kubeconfig/--context, else (when the workspace has such
 * backends) the default kubeconfig; without one those services answer 502 saying a cluster is needed.
 */
async function clusterFor(workspace: unknown, kubeconfig: string | undefined, context: string | undefined): Promise<ClusterAccess | undefined> {
  const usesCluster = JSON.stringify(workspace ?? {}).includes('"serviceInfo"');
  if (!kubeconfig && !context && !usesCluster) return undefined;
  try {
    const { clusterAccessFromKubeconfig } = await import('../cluster/kubeconfig-access');
    const access = await clusterAccessFromKubeconfig(kubeconfig, context);
    say(`serviceInfo backends go through the API server ${shownServer(access.server)}`);
    return access;
  } catch (error) {
    if (kubeconfig || context) throw error;
    say(`note: ${error instanceof Error ? error.message : String(error)}; serviceInfo backends answer 502 until a cluster is connected`);
    return undefined;
  }
}

/**
 * A flag's whole number from 0 to `max`, undefined when the flag is absent, or null after saying why it is refused.
 * Decimal digits only: Number() would take '' and ' ' as 0 (for --port, any free port) and 0xB82C as 47148.
 */
function wholeNumberFlag(flag: string, text: string | undefined, max: number): number | undefined | null {
  if (text === undefined) return undefined;
  const value = /^\d{1,9}$/.test(text) ? Number(text) : Number.NaN;
  if (value >= 0 && value <= max) return value;
  say(`--${flag}: expected 0-${max}, got "${text}"`);
  return null;
}

/**
 * How long a stopping gateway (SIGTERM, SIGINT) lets the requests in flight finish before it closes their
 * connections: a stream that never ends must not keep it from stopping (nginx's worker_shutdown_timeout). Under
 * Kubernetes' default grace period of 30 s, which ends in SIGKILL.
 */
const DEFAULT_DRAIN_SECONDS = 10;

/**
 * Log lines go to stdout. A reader that goes away (`| head -1`, a log shipper restarting) makes the next write fail
 * with EPIPE, which unhandled would end the gateway: the lines are dropped from then on, said once on stderr, and
 * the gateway keeps serving.
 */
function stdoutLogWriter(): (text: string) => void {
  let lost = false;
  const lose = (error: unknown) => {
    if (lost) return;
    lost = true;
    say(`gatehouse: stdout failed (${(error as NodeJS.ErrnoException).code ?? 'error'}): request log lines are dropped from now on; the gateway keeps serving`);
  };
  process.stdout.on('error', lose);
  // A closed stderr must not end it either (there is nowhere left to say so).
  process.stderr.on('error', () => undefined);
  return (text) => {
    if (lost) return;
    try {
      process.stdout.write(text);
    } catch (error) {
      lose(error);
    }
  };
}

/** Runs the headless gateway; resolves with an exit code, or -1 while it serves. */
export async function runGatewayCli(argv: string[], options: GatewayCliOptions = {}): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      demo: { type: 'boolean' },
      config: { type: 'string', short: 'c' },
      secrets: { type: 'string' },
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      'drain-seconds': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const usage = `${USAGE}${secretsLine(options.extraSecretSourcesName)}${options.usage ?? ''}`;
  // Asked for, the usage is the output (`--help | less`); given after a wrong command line, a diagnostic (stderr).
  if (values.help) return process.stdout.write(`${usage}\n`), 0;
  if (positionals[0] === 'schema') {
    // `schema FILE` would read as writing to FILE, and print to stdout instead.
    if (positionals.length > 1) return say(`schema takes no arguments (got ${positionals.slice(1).map((p) => JSON.stringify(p)).join(', ')}); it prints to stdout: npm run -s gateway -- schema > workspace.schema.json`), 2;
    process.stdout.write(`${JSON.stringify(workspaceJsonSchema(), null, 2)}\n`);
    return 0;
  }
  // A word first is a command misspelt (`npm run gateway -- imprt`); one after the flags, a stray argument.
  if (positionals.length > 0) return say(`${argv[0] === positionals[0] ? 'unknown command' : 'unexpected argument'} "${positionals[0]}"\n${usage}`), 2;
  if (!values.demo && !values.config) return say(usage), 2;
  // The demo serves its own workspace and secrets: a --config beside it would be ignored without a word.
  const besideDemo = values.demo ? (['config', 'secrets', 'kubeconfig', 'context'] as const).filter((flag) => values[flag] !== undefined) : [];
  if (besideDemo.length > 0) return say(`--demo serves its own workspace and secrets: leave out ${besideDemo.map((f) => `--${f}`).join(', ')}, or --demo`), 2;
  const port = wholeNumberFlag('port', values.port, 65535);
  if (port === null) return 2;
  const drainFlag = wholeNumberFlag('drain-seconds', values['drain-seconds'], 3600);
  if (drainFlag === null) return 2;
  const drainSeconds = drainFlag ?? DEFAULT_DRAIN_SECONDS;
  if (values.host === '') return say('--host: an address to listen on, such as 127.0.0.1 (empty would listen on every interface)'), 2;

  keepInspectorClosed(say);
  // Request lines and upstream connection lines on stdout alike, in the order they happen.
  const log = jsonLineSink<RequestLogEntry | ConnectionLogEntry>(stdoutLogWriter());
  let gateway: Gateway;
  let banner: string[];
  const quiet = new QuietMemoryWatch(() => gateway.inFlight);
  const onRequestStart = () => quiet.requestStarted();
  if (values.demo) {
    const upstream = await startDemoUpstream();
    gateway = await startGateway({
      workspace: demoWorkspace(upstream.url, port ?? 9080),
      secrets: new SecretResolver([new MemorySecretSource('demo', DEMO_SECRETS)]),
      log,
      connectionLog: log,
      onRequestStart,
      host: values.host,
    });
    process.on('SIGHUP', () => say('SIGHUP: the demo has no file to read again; it keeps serving'));
    banner = [
      `Gatehouse demo gateway on ${gateway.url} (demo upstream ${upstream.url})`,
      `  curl -i ${gateway.url}/v1/json                      # 401, WWW-Authenticate: Basic`,
      `  curl -i -u ${DEMO_CONSUMER.username}:${DEMO_CONSUMER.password} ${gateway.url}/v1/json   # 200, the slideshow JSON`,
    ];
  } else {
    const path = values.config!;
    // A folder is a command-line mistake (2); a file that cannot be read says why (readNamedFile).
    if ((await stat(path).catch(() => undefined))?.isDirectory()) return say(`--config ${path}: a folder, not a workspace file`), 2;
    const served = await readNamedFile(path);
    const workspace = await readJsonOrYaml(utf8Text(served, path), path);
    // Named as a reload names it (startGateway's own check would say "invalid workspace").
    const checked = validateWorkspace(workspace);
    if (!checked.ok) return say(`gatehouse: ${invalidFileText(path, checked.errors)}`), 1;
    const cluster = await clusterFor(workspace, values.kubeconfig, values.context);
    const sources = await secretSources(values.secrets, options);
    gateway = await startGateway({ workspace, secrets: new SecretResolver(sources), log, connectionLog: log, onRequestStart, port, host: values.host, cluster });
    banner = [`Gatehouse gateway on ${gateway.url} serving ${path}`];
    const secretsFile = sources.find((s) => s instanceof SecretsFileSource);
    const readAgain = watchConfig(path, gateway, { host: values.host, port: values.port }, served, secretsFile);
    // As nginx, APISIX and Kong read theirs: SIGHUP (a closed terminal sends it too) reads the files again, and
    // the gateway keeps serving; before, it ended the process and cut the requests in flight.
    process.on('SIGHUP', () => {
      say(`SIGHUP: reading ${path}${secretsFile ? ` and ${secretsFile.path}` : ''} again`);
      readAgain();
    });
  }
  // Before the banner: whoever waits for it (a supervisor, a script) may stop the gateway the moment it appears,
  // and a SIGTERM arriving before a listener exists kills the process outright instead of closing it.
  // A second SIGTERM or SIGINT while it drains (Ctrl-C pressed again) cuts what is still in flight at once, logged
  // and said as the deadline's cut is; until 3 Dec it killed the process, with those requests in no log.
  let stopping = false;
  let cutBy: NodeJS.Signals | undefined;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      if (gateway.inFlight > 0 && cutBy === undefined) {
        cutBy = signal;
        say(`${signal} again: cutting ${counted(gateway.inFlight, 'request')} in flight now`);
      }
      gateway.cutNow();
      return;
    }
    stopping = true;
    if (gateway.inFlight > 0) say(`stopping: ${counted(gateway.inFlight, 'request')} in flight, given up to ${drainSeconds} s to finish (${signal} again cuts them now)`);
    void gateway.close(drainSeconds * 1000).then(({ cut }) => {
      if (cut > 0) say(`stopped: ${counted(cut, 'request')} still in flight ${cutBy ? `at the second ${cutBy}` : `after ${drainSeconds} s`} cut off`);
      // After the log lines of the last requests, which go out once a turn (log/turn-batch.ts).
      setImmediate(() => process.exit(0));
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  for (const line of banner) say(line);
  return -1;
}

/** node:util parseArgs's refusals of the command line. */
function isUsageError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

/** Exits with the command's code once it is done; a serving gateway keeps the process alive. */
export function exitWhenDone(result: Promise<number>): void {
  result.then(
    (code) => {
      if (code >= 0) process.exit(code);
    },
    (error: unknown) => {
      say(`gatehouse: ${error instanceof GatehouseError ? withHint(error.message, error.hint) : error instanceof Error ? error.message : String(error)}`);
      // A command line it cannot read (an unknown flag, a flag without its value) is a usage error, as the
      // commands' own checks say: 2, not the 1 of a failure while running.
      process.exit(isUsageError(error) ? 2 : 1);
    },
  );
}
