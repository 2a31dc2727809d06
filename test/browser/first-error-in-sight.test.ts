// After a refused save the focus moves to the first field marked invalid, and that field, with its message, is
// scrolled into sight above the action bar that sticks to the bottom of the view. Until 3 Dec focus() scrolled the
// control only to the view's edge: a CSRF token endpoint refused with the form scrolled to its top sat behind the
// bar, its message too, and the user saw "fix the fields marked in red" with no red field in sight.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { fieldErrorOf, openBrowserApp, type BrowserApp } from '../support/browser-app';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream';

let app: BrowserApp;
let page: Page;
let upstream: RecordingUpstream;

beforeAll(async () => {
  upstream = await startRecordingUpstream();
  app = await openBrowserApp({ viewport: { width: 1280, height: 900 } });
  page = app.page;
  await page.getByText('Gateway: Running', { exact: false }).first().waitFor({ timeout: 20_000 });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await upstream?.close();
});

describe('the first invalid field after a refused save', () => {
  it('is focused and shown with its message above the sticky action bar', async () => {
    await page.getByRole('button', { name: 'New service' }).click();
    await page.getByLabel('Name', { exact: true }).fill('probe');
    await page.getByLabel('Path prefix', { exact: true }).fill('/probe');
    await page.getByLabel('Upstream URL', { exact: true }).fill(upstream.url);
    const csrf = page.getByLabel('CSRF token endpoint').first();
    await csrf.fill('ftp://x');
    // Scrolled as the probe found it: the input inside the view, at its bottom, which the action bar covers.
    await page.locator('.content').evaluate((content) => content.scrollTo(0, 0));
    const at = (await csrf.boundingBox())!;
    const view = (await page.locator('.content').boundingBox())!;
    await page.locator('.content').evaluate((content, by) => content.scrollBy(0, by), at.y + at.height - (view.y + view.height) + 2);
    const before = (await csrf.boundingBox())!;
    expect(before.y + before.height).toBeLessThanOrEqual(view.y + view.height);
    expect(before.y).toBeGreaterThan((await page.locator('.editor > .form-actions').boundingBox())!.y);
    await page.getByRole('button', { name: 'Save service' }).click();

    await expect.poll(() => fieldErrorOf(csrf)).toContain('an http:// or https:// URL');
    expect(await csrf.evaluate((el) => el.ownerDocument.activeElement === el)).toBe(true);
    await app.screenshot('first-error-in-sight');
    const errorId = (await csrf.getAttribute('aria-describedby'))!.split(' ').find((id) => id.endsWith('-error'))!;
    const input = (await csrf.boundingBox())!;
    const message = (await page.locator(`[id="${errorId}"]`).boundingBox())!;
    const bar = (await page.locator('.editor > .form-actions').boundingBox())!;
    const content = (await page.locator('.content').boundingBox())!;
    // The input and its message lie between the top of the view and the bar, not under it.
    expect(input.y).toBeGreaterThanOrEqual(content.y);
    expect(message.y + message.height).toBeLessThanOrEqual(bar.y);
    expect(input.y + input.height).toBeLessThanOrEqual(message.y);
  });
});
