// Crash safety: a child process saves in a tight loop and is SIGKILLed at random moments;
// whatever it was doing, workspace.json (and the backup) must parse and be one whole version.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkspaceStore } from '../../../../main/services/workspace-store/workspace-store';

const repo = fileURLToPath(new URL('../../../..', import.meta.url));
const storeModule = pathToFileURL(join(repo, 'main/services/workspace-store/workspace-store.ts')).href;

// Two versions of very different sizes, so a torn write could not pass for either.
const CHILD = `
import { WorkspaceStore } from ${JSON.stringify(storeModule)};
const make = (tag, routes) => ({
  gateway: { port: tag === 'small' ? 9001 : 9002 },
  services: [{ name: 'svc-' + tag, upstream: { url: 'http://127.0.0.1:8080' } }],
  routes: Array.from({ length: routes }, (_, i) => ({ name: tag + '-' + i, service: 'svc-' + tag, path: '/p/' + i })),
});
const versions = [make('small', 3), make('large', 4000)];
const store = new WorkspaceStore(process.argv[2]);
for (let i = 0; ; i++) {
  await store.save(versions[i % 2]);
  process.stdout.write('saved\\n');
}
`;

let dir: string;
let script: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gatehouse-atomic-'));
  script = join(dir, 'save-loop.mts');
  await writeFile(script, CHILD);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Starts the save loop, lets it complete `saves` saves, waits `delayMs` more, then SIGKILLs it. */
function killMidWrite(storeDir: string, saves: number, delayMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, storeDir], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    let count = 0;
    let stderr = '';
    let killing = false;
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.stdout.on('data', (d: Buffer) => {
      count += d.toString().split('\n').filter(Boolean).length;
      if (count >= saves && !killing) {
        killing = true;
        setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(count);
      else reject(new Error(`save loop exited on its own (code ${code}): ${stderr}`));
    });
  });
}

describe('atomic save under SIGKILL', () => {
  it('leaves workspace.json and its backup whole, old or new, never torn', async () => {
    const storeDir = join(dir, 'store');
    const seen = new Set<number>();
    for (let round = 0; round < 8; round++) {
      await killMidWrite(storeDir, 1 + (round % 4), round * 3);
      for (const name of ['workspace.json', 'workspace.json.bak']) {
        const text = await readFile(join(storeDir, name), 'utf8').catch(() => undefined);
        if (text === undefined) continue;
        const doc = JSON.parse(text);
        expect([9001, 9002]).toContain(doc.gateway.port);
        expect(doc.routes).toHaveLength(doc.gateway.port === 9001 ? 3 : 4000);
      }
      const result = await new WorkspaceStore(storeDir).load();
      expect(result.ok).toBe(true);
      if (result.ok) seen.add(result.workspace.gateway.port);
      // load() cleans up the temp file of a killed writer.
      expect((await readdir(storeDir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    }
    expect(seen.size).toBeGreaterThan(0);
  }, 120_000);
});
