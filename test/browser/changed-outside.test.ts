// The workspace file changed by another program while the app runs (an editor, `gatehouse import`), in the real
// renderer against the real main side: what the app shows is what the file holds and the gateway serves, a file
// broken from outside is reported while the app keeps its version, and a save made on a version another program
// replaced is refused with the way forward, not written over it.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowserApp, type BrowserApp } from '../support/browser-app';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream';

let upstream: RecordingUpstream;
const apps: BrowserApp[] = [];

beforeAll(async () => {
  upstream = await startRecordingUpstream();
});

afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
  await upstream?.close();
});

async function open(watchWorkspaceFile: boolean): Promise<{ app: BrowserApp; page: Page }> {
  const app = await openBrowserApp({ viewport: { width: 1100, height: 700 }, watchWorkspaceFile, loadKeytar: async () => Promise.reject(new Error('no keychain in this test')) });
  apps.push(app);
  await app.page.getByText('Gateway: Running').waitFor({ timeout: 20_000 });
  return { app, page: app.page };
}

const list = (page: Page) => page.getByRole('region', { name: 'Service and route list' });
const file = (app: BrowserApp) => join(app.dataDir, 'workspace.json');

async function saveService(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'New service' }).click();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Path prefix', { exact: true }).fill(`/${name}`);
  await page.getByLabel('Upstream URL', { exact: true }).fill(upstream.url);
  await page.getByRole('button', { name: 'Save service' }).click();
}

/** As an editor saves: the whole file written aside and renamed over the old one, with one service more. */
async function addServiceAsAnotherProgram(app: BrowserApp, name: string): Promise<string> {
  const doc = JSON.parse(await readFile(file(app), 'utf8')) as { services: unknown[] };
  doc.services.push({ name, pathPrefix: `/${name}`, upstream: { url: upstream.url } });
  const text = JSON.stringify(doc, null, 2);
  await writeFile(`${file(app)}.tmp-editor`, text);
  await rename(`${file(app)}.tmp-editor`, file(app));
  return text;
}

const statusOf = async (app: BrowserApp, path: string) => (await app.call<{ status: number }>('tryit:send', { method: 'GET', path, headers: [] })).status;

describe('the app follows the workspace file', () => {
  it('shows a service another program added, which the gateway serves; a broken file is reported and the app keeps its version', async () => {
    const { app, page } = await open(true);
    await saveService(page, 'mine');
    await page.getByText('Service mine saved.').waitFor();

    // Main says the file is taken up once the gateway has it.
    const takenUp = new Promise<void>((resolve) => app.services.onEvent((event, payload) => event === 'workspace-file' && !(payload as { problem?: string }).problem && resolve()));
    await addServiceAsAnotherProgram(app, 'theirs');
    await list(page).getByRole('button', { name: /^theirs/ }).waitFor();
    await takenUp;
    expect(await statusOf(app, '/theirs/x')).toBe(200);
    await app.screenshot('60-changed-outside-taken-up');

    await writeFile(file(app), '{"version": 1, "services": [');
    const banner = page.getByRole('region', { name: 'Workspace file' });
    await banner.waitFor();
    expect(await banner.textContent()).toContain('Another program changed the workspace file, and it cannot be read; Gatehouse keeps showing, and the gateway keeps serving, the version it read before. Saving replaces the file (the unreadable one is kept next to it).');
    expect(await banner.textContent()).toContain(`${file(app)}:1:`);
    expect(await list(page).getByRole('button', { name: /^(mine|theirs)/ }).count()).toBe(2);
    expect(await statusOf(app, '/theirs/x')).toBe(200);
    await app.screenshot('61-changed-outside-broken');
  });
});

describe('a save made on a version another program replaced', () => {
  it('is refused saying why, shows that version, and the same Save again adds the edit to it', async () => {
    // The watch is off, so the check at save time is what meets the change (with it on, the watch usually takes the
    // change up first, and the save is made on it).
    const { app, page } = await open(false);
    await saveService(page, 'mine');
    await page.getByText('Service mine saved.').waitFor();

    await page.getByRole('button', { name: 'New service' }).click();
    await page.getByLabel('Name', { exact: true }).fill('second');
    await page.getByLabel('Path prefix', { exact: true }).fill('/second');
    await page.getByLabel('Upstream URL', { exact: true }).fill(upstream.url);
    const theirs = await addServiceAsAnotherProgram(app, 'theirs');
    await page.getByRole('button', { name: 'Save service' }).click();

    const refusal = page.getByRole('alert').filter({ hasText: 'changed by another program' });
    await refusal.waitFor();
    expect(await refusal.textContent()).toBe(`Not saved: ${file(app)} was changed by another program since Gatehouse read it; nothing was written, so that change is kept. Gatehouse now shows that version (the status bar says what the gateway serves): save again to make your change to it.`);
    await list(page).getByRole('button', { name: /^theirs/ }).waitFor();
    expect(await readFile(file(app), 'utf8')).toBe(theirs);
    expect(await statusOf(app, '/theirs/x')).toBe(200);
    await app.screenshot('62-changed-outside-save-refused');

    await page.getByRole('button', { name: 'Save service' }).click();
    await page.getByText('Service second saved.').waitFor();
    const saved = JSON.parse(await readFile(file(app), 'utf8')) as { services: { name: string }[] };
    expect(saved.services.map((s) => s.name)).toEqual(['mine', 'theirs', 'second']);
    expect(await readFile(`${file(app)}.bak`, 'utf8')).toBe(theirs);
  });
});
