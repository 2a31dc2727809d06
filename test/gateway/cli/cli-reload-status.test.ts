import { afterAll, describe, expect, it } from 'vitest';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnGatewayCli, type RunningCli } from '../../support/spawn-cli';
import { consumerWorkspace, serveConsumerWorkspace } from '../../support/cli-consumer-gateway';
import { startRecordingUpstream, type RecordingUpstream } from '../../support/recording-upstream';

const running: RunningCli[] = [];
const upstreams: RecordingUpstream[] = [];
const folders: string[] = [];
afterAll(async () => {
  await Promise.all(running.map((r) => r.stop()));
  await Promise.all(upstreams.map((u) => u.close()));
  await Promise.all(folders.map((f) => rm(f, { recursive: true, force: true })));
});

/** A folder with ws.yaml (one consumer, its password the secrets file's alex.password) and secrets.json, served. */
async function serve(): Promise<{ dir: string; wsPath: string; secretsPath: string; workspace: string; cli: RunningCli; status: (password: string) => Promise<number> }> {
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-cli-status-'));
  folders.push(dir);
  const upstream = await startRecordingUpstream();
  upstreams.push(upstream);
  const wsPath = join(dir, 'ws.yaml');
  const secretsPath = join(dir, 'secrets.json');
  await writeFile(secretsPath, JSON.stringify({ alex: { password: 'first-pw' } }));
  const { cli, status } = await serveConsumerWorkspace(wsPath, secretsPath, upstream.url);
  running.push(cli);
  return { dir, wsPath, secretsPath, workspace: consumerWorkspace(upstream.url), cli, status };
}

/** The lines on stderr after the banner, so far. */
const linesAfterBanner = (cli: RunningCli) => cli.stderr().split('\n').filter((l) => l !== '' && !l.includes('gateway on http') && !l.startsWith('note:'));

describe('headless CLI: what a reload says', () => {
  it('names the secrets file, not the unchanged workspace, when a change of the secrets alone is refused or applied', async () => {
    const { secretsPath, cli, status } = await serve();
    // A key the workspace needs removed from the secrets file: refused, and the secrets file is named as the cause.
    await writeFile(`${secretsPath}.tmp`, JSON.stringify({ alex: { pass: 'first-pw' } }));
    await rename(`${secretsPath}.tmp`, secretsPath);
    await cli.waitFor(/kept the running config; the secrets file \S*secrets\.json changed, and \S*ws\.yaml cannot be served with it:\n\(secrets\): consumer "alex": secret "alex" has no key "password"/);
    expect(await status('first-pw')).toBe(200);

    await writeFile(`${secretsPath}.tmp`, JSON.stringify({ alex: { password: 'second-pw' } }));
    await rename(`${secretsPath}.tmp`, secretsPath);
    await cli.waitFor(/reloaded the secrets file \S*secrets\.json/);
    expect(await status('second-pw')).toBe(200);
    expect(linesAfterBanner(cli).some((l) => l.includes('ws.yaml is invalid') || /reloaded \S*ws\.yaml/.test(l))).toBe(false);
    // Never a value.
    expect(cli.stderr()).not.toMatch(/first-pw|second-pw/);
  });

  it('says the config is read again after it could not be read, though it comes back with the same bytes', async () => {
    const { wsPath, workspace, cli, status } = await serve();
    await rm(wsPath);
    await cli.waitFor(/kept the running config; cannot read \S*ws\.yaml: no such file or folder \(ENOENT\)/);
    await writeFile(wsPath, workspace);
    await cli.waitFor(/cannot read \S*ws\.yaml[^\n]*\nreloaded \S*ws\.yaml\n/);
    expect(await status('first-pw')).toBe(200);
  });

  it('names the workspace file it refuses at start, as a reload does', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gatehouse-cli-status-'));
    folders.push(dir);
    const wsPath = join(dir, 'ws.yaml');
    const invalid = 'services:\n  - name: api\n    upstream: { url: "nope" }\n';
    await writeFile(wsPath, invalid);
    const refused = spawnGatewayCli(['--config', wsPath, '--port', '0']);
    running.push(refused);
    await refused.waitFor(/gatehouse: \S*ws\.yaml is invalid:\nservices\[0\]\.upstream\.url: /);
    if (refused.child.exitCode === null) await new Promise((r) => refused.child.once('exit', r));
    expect(refused.child.exitCode).toBe(1);

    // The same words when a running gateway's reload meets it.
    const { wsPath: served, cli } = await serve();
    await writeFile(served, invalid);
    await cli.waitFor(/kept the running config; \S*ws\.yaml is invalid:\nservices\[0\]\.upstream\.url: /);
  });
});
