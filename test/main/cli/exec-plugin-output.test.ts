// A kubeconfig user's exec credential plugin that fails, or prints a bare token instead of an ExecCredential:
// what the headless gateway (`--kubeconfig`, `$KUBECONFIG`) and `plan` print of it, as real child processes with
// real plugin scripts. The token is in none of stdout and stderr, not even its start; the message still names the
// plugin, its exit code and the first line of its stderr with the token masked. No API server is needed: the
// plugin runs before any request, and its failure ends the command there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { spawnGatewayCli, type RunningCli } from '../../support/spawn-cli';

const SECRET = 'S3CR3T-exec-1a2b3c4d5e';
/** Any piece of the token: client-node's JSON.parse error quotes only its first 10 characters. */
const PIECES = ['S3CR3T', '1a2b3c4d5e'];

let dir: string;
let failing: string;
let bare: string;
let workspaceFile: string;

async function plugin(name: string, body: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, `#!/bin/sh\n${body}`);
  await chmod(file, 0o755);
  return file;
}

async function kubeconfigFor(command: string): Promise<string> {
  const file = join(dir, `${command.split('/').pop()}.kubeconfig`);
  await writeFile(file, stringify({
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'ci',
    // Nothing listens there: the plugin's failure comes before any connection.
    clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:1', 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'u', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command } } }],
    contexts: [{ name: 'ci', context: { cluster: 'c', user: 'u', namespace: 'team' } }],
  }), { mode: 0o600 });
  return file;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gatehouse-exec-output-'));
  failing = await plugin('failing-login', `echo "error: refresh token ${SECRET} has expired" >&2\necho "debug: sent Authorization: Bearer ${SECRET}" >&2\nexit 1\n`);
  bare = await plugin('bare-token-login', `echo ${SECRET}\n`);
  workspaceFile = join(dir, 'workspace.json');
  await writeFile(workspaceFile, JSON.stringify({
    services: [{ name: 'backend', pathPrefix: '/backend', upstream: { serviceInfo: { name: 'backend', namespace: 'team', port: 8080 } } }],
  }));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const ENV = { KUBECONFIG: '', GATEHOUSE_SECRETS: '' };

async function exited(cli: RunningCli): Promise<number | null> {
  const { child } = cli;
  if (child.exitCode === null || !child.stdout!.readableEnded || !child.stderr!.readableEnded) await once(child, 'close');
  return child.exitCode;
}

function expectNoSecret(cli: RunningCli): void {
  for (const piece of PIECES) {
    expect(cli.stdout(), 'stdout').not.toContain(piece);
    expect(cli.stderr(), 'stderr').not.toContain(piece);
  }
}

const failedLine = () => `The credential plugin "${failing}" failed: exited with 1: error: refresh token [redacted] has expired`;
const bareLine = () => `The credential plugin "${bare}" failed: printed something that is not an ExecCredential (JSON)`;

describe('the headless gateway with an exec plugin that fails or prints a bare token', () => {
  it('--kubeconfig, the plugin exits 1 with the token on stderr: exits 1 naming the plugin and exit code, token masked', async () => {
    const kubeconfig = await kubeconfigFor(failing);
    const cli = spawnGatewayCli(['--config', workspaceFile, '--kubeconfig', kubeconfig, '--port', '0'], ENV);
    try {
      expect(await exited(cli), cli.stderr()).toBe(1);
      expectNoSecret(cli);
      expect(cli.stderr()).toContain(`gatehouse: kubeconfig ${kubeconfig}: ${failedLine()}`);
      expect(cli.stderr()).not.toContain('debug: sent');
    } finally {
      await cli.stop();
    }
  });

  it('--kubeconfig, the plugin prints a bare token on stdout: exits 1 saying it is not an ExecCredential', async () => {
    const kubeconfig = await kubeconfigFor(bare);
    const cli = spawnGatewayCli(['--config', workspaceFile, '--kubeconfig', kubeconfig, '--port', '0'], ENV);
    try {
      expect(await exited(cli), cli.stderr()).toBe(1);
      expectNoSecret(cli);
      expect(cli.stderr()).toContain(`gatehouse: kubeconfig ${kubeconfig}: ${bareLine()}`);
    } finally {
      await cli.stop();
    }
  });

  it('$KUBECONFIG, the plugin exits 1: a note with the token masked, and the gateway serves on', async () => {
    const cli = spawnGatewayCli(['--config', workspaceFile, '--port', '0'], { ...ENV, KUBECONFIG: await kubeconfigFor(failing) });
    try {
      await cli.waitFor(/^Gatehouse gateway on /m);
      expectNoSecret(cli);
      expect(cli.stderr()).toContain(`note: kubeconfig: ${failedLine()}; serviceInfo backends answer 502 until a cluster is connected`);
    } finally {
      await cli.stop();
    }
  });
});

describe('plan with an exec plugin that fails or prints a bare token', () => {
  it('the plugin exits 1 with the token on stderr: exits 2 naming the plugin and exit code, token masked', async () => {
    const cli = spawnGatewayCli(['plan', '--workspace', workspaceFile, '--kubeconfig', await kubeconfigFor(failing)], ENV);
    try {
      expect(await exited(cli), cli.stderr()).toBe(2);
      expectNoSecret(cli);
      expect(cli.stderr()).toContain(`plan: ${failedLine()}`);
    } finally {
      await cli.stop();
    }
  });

  it('the plugin prints a bare token on stdout: exits 2 saying it is not an ExecCredential', async () => {
    const cli = spawnGatewayCli(['plan', '--workspace', workspaceFile, '--kubeconfig', await kubeconfigFor(bare)], ENV);
    try {
      expect(await exited(cli), cli.stderr()).toBe(2);
      expectNoSecret(cli);
      expect(cli.stderr()).toContain(`plan: ${bareLine()}`);
    } finally {
      await cli.stop();
    }
  });
});
