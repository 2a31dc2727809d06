// The Traffic screen's connection notices in the real renderer (Chromium), against the real main side (forked
// gateway, vault, store): two raw upstreams that send bytes after a complete response (beyond the Content-Length,
// after the last chunk), beside a well-behaved one. Each misbehaving answer gets a notice above the requests, with
// its time, the upstream's origin and the gateway's message, never a byte of the excess; a notice repeating the newest
// is folded into it with a count and the first time; Clear removes notices and
// requests alike, and with capture paused (no rows) Clear is there for the notices alone. Screenshots at 1280×820
// and 900×600, light and dark, are looked at by a person.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import type { Page } from 'playwright-core';
import { openBrowserApp, runAxe, seriousViolations, type BrowserApp } from '../support/browser-app';
import { startRawUpstream, type RawUpstream } from '../support/raw-upstream';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream';

/** What the upstreams send after their answers: found nowhere the window sees, or it leaked. */
const EXTRA = 'EXTRA-token-31c7a9';

let app: BrowserApp;
let page: Page;
let sized: RawUpstream;
let chunked: RawUpstream;
let fine: RecordingUpstream;

beforeAll(async () => {
  // Every connection misbehaves; each request comes on a new one, as the last was closed for it.
  sized = await startRawUpstream((socket) => socket.write(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok${EXTRA}`));
  chunked = await startRawUpstream((socket) => socket.write(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n${EXTRA}`));
  fine = await startRecordingUpstream();
  app = await openBrowserApp({
    viewport: { width: 1280, height: 820 },
    before: async (services) => {
      const saved = await services.dispatch('workspace:save', {
        services: [
          { name: 'orders', pathPrefix: '/orders', upstream: { url: `http://127.0.0.1:${sized.port}` } },
          { name: 'stock', pathPrefix: '/stock', upstream: { url: `http://127.0.0.1:${chunked.port}` } },
          { name: 'billing', pathPrefix: '/billing', upstream: { url: fine.url } },
        ],
      });
      if (!saved.ok) throw new Error(saved.error.message);
    },
  });
  page = app.page;
  await page.getByText('Gateway: Running').waitFor({ timeout: 20_000 });
}, 90_000);

afterAll(async () => {
  await app?.close();
  sized?.close();
  chunked?.close();
  await fine?.close();
});

/** A client of the gateway: its whole answer read. */
async function client(path: string): Promise<string> {
  const res = await request(`${app.services.gatewayStatus().url}${path}`);
  return `${res.statusCode} ${await res.body.text()}`;
}

const noticeList = () => page.getByRole('region', { name: /^Connection notices/ });
const noticeRows = () => noticeList().locator('tbody tr');
const requestRows = () => page.locator('.traffic-table tbody tr');
const origin = (upstream: RawUpstream) => `http://127.0.0.1:${upstream.port}`;

/** The screen in light and dark at 1280×820 and 900×600; each screenshot is looked at by a person. */
async function screenshots(name: string): Promise<void> {
  for (const [width, height] of [[1280, 820], [900, 600]] as const) {
    await page.setViewportSize({ width, height });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await app.screenshot(`traffic-${name}-${width}x${height}-${scheme}`);
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1280, height: 820 });
}

describe('connection notices in the Traffic screen', () => {
  it('lists a notice for each upstream that sent bytes after a complete response: time, origin and message, newest first', async () => {
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: /^Traffic/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Traffic' }).waitFor();
    expect(await noticeList().count()).toBe(0);

    expect(await client('/billing/invoices')).toMatch(/^200 /);
    await requestRows().filter({ hasText: '/billing/invoices' }).waitFor();
    // Before any misbehaviour there is nothing to notice: no band above the requests.
    expect(await noticeList().count()).toBe(0);

    expect(await client('/orders/42')).toBe('200 ok');
    await noticeRows().filter({ hasText: origin(sized) }).waitFor();
    expect(await client('/stock/7')).toBe('200 ok');
    await noticeRows().filter({ hasText: origin(chunked) }).waitFor();

    const cells = await Promise.all((await noticeRows().all()).map((row) => row.locator('td').allTextContents()));
    expect(cells).toEqual([
      [expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3}$/), origin(chunked), `upstream ${origin(chunked)} sent bytes after a complete response; connection closed`],
      [expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3}$/), origin(sized), `upstream ${origin(sized)} sent bytes after a complete response; connection closed`],
    ]);
    expect(await page.getByRole('heading', { level: 2, name: /^Connection notices/ }).textContent()).toBe('Connection notices 2 notices, newest first');
    // The requests are rows of their own, as before; each answer was the upstream's, as it framed it.
    await expect.poll(() => requestRows().count()).toBe(3);

    await screenshots('connection-notices');
    expect(seriousViolations(await runAxe(page))).toEqual([]);
  });

  it('never shows a byte the upstream sent after its answer, nor hands one to the window', async () => {
    expect(await page.content()).not.toContain('EXTRA');
    expect(JSON.stringify([app.events, app.responses])).not.toContain('EXTRA');
    expect(app.events.filter((e) => e.event === 'connection-notices')).not.toEqual([]);
  });

  it('Clear removes the notices with the requests, after asking', async () => {
    await page.getByRole('button', { name: 'Clear…' }).click();
    const dialog = page.getByRole('alertdialog');
    expect(await dialog.textContent()).toContain('removes all 3 captured requests and their bodies, and 2 connection notices, from memory');
    await dialog.getByRole('button', { name: 'Clear', exact: true }).click();
    await page.getByText('No requests yet.').waitFor();
    await expect.poll(() => noticeList().count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Clear…' }).isDisabled()).toBe(true);
    await app.screenshot('traffic-connection-notices-cleared-1280x820-light');
  });

  it('with capture paused, a notice still comes (it holds no request content), and Clear is there for it alone', async () => {
    await page.getByRole('button', { name: 'Pause capture' }).click();
    await page.getByText('Capture paused').first().waitFor();
    expect(await client('/orders/43')).toBe('200 ok');
    await noticeRows().filter({ hasText: origin(sized) }).waitFor();
    expect(await requestRows().count()).toBe(0);
    await app.screenshot('traffic-connection-notices-paused-1280x820-light');

    const clear = page.getByRole('button', { name: 'Clear…' });
    expect(await clear.isDisabled()).toBe(false);
    await clear.click();
    const dialog = page.getByRole('alertdialog');
    expect(await dialog.textContent()).toContain('removes all 1 connection notice from memory');
    await dialog.getByRole('button', { name: 'Clear', exact: true }).click();
    await expect.poll(() => noticeList().count()).toBe(0);
    expect(await clear.isDisabled()).toBe(true);
  });

  it('folds a notice that says again what the newest says into it: how many times, and since when', async () => {
    for (let i = 0; i < 3; i++) expect(await client(`/orders/again${i}`)).toBe('200 ok');
    const row = noticeRows().filter({ hasText: '3 times' });
    await row.waitFor();
    expect(await noticeRows().count()).toBe(1);
    expect(await row.locator('td').allTextContents()).toEqual([
      expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3}$/),
      origin(sized),
      expect.stringMatching(new RegExp(`^upstream ${origin(sized)} sent bytes after a complete response; connection closed \\(3 times, the first at \\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\)$`)),
    ]);
    expect(await page.getByRole('heading', { level: 2, name: /^Connection notices/ }).textContent()).toBe('Connection notices 1 notice, newest first');
    // Another upstream's notice stands on its own; the next repeat of the first is a new notice above it.
    expect(await client('/stock/again')).toBe('200 ok');
    expect(await client('/orders/again3')).toBe('200 ok');
    await expect.poll(() => noticeRows().count()).toBe(3);
    expect((await noticeRows().locator('td:nth-child(3)').allTextContents()).map((text) => /\((\d+) times/.exec(text)?.[1] ?? '1')).toEqual(['1', '1', '3']);
    await screenshots('connection-notices-folded');
    await page.getByRole('button', { name: 'Clear…' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Clear', exact: true }).click();
    await expect.poll(() => noticeList().count()).toBe(0);
  });

  it('keeps the last 100 notices, newest first, in a band that scrolls on its own', async () => {
    // Two upstreams in turn: no notice says what the one before it said, so none is folded.
    for (let i = 0; i < 102; i++) expect(await client(i % 2 === 0 ? `/orders/n${i}` : `/stock/n${i}`)).toBe('200 ok');
    // 102 notices came; the heading says when the band holds as many as are kept.
    await page.getByRole('heading', { level: 2, name: 'Connection notices 100 notices, newest first (the last 100 are kept)' }).waitFor();
    expect(await noticeRows().count()).toBe(100);
    const band = await noticeList().evaluate((element) => ({ scrolls: element.scrollHeight > element.clientHeight, height: element.clientHeight }));
    expect(band.scrolls).toBe(true);
    // The requests' table stays in view below it.
    expect(await page.getByText('Capture is paused.').isVisible()).toBe(true);
    await app.screenshot('traffic-connection-notices-100-1280x820-light');
    await page.setViewportSize({ width: 900, height: 600 });
    await page.emulateMedia({ colorScheme: 'dark' });
    // The keyboard scrolls it: focused, End shows the oldest kept.
    await noticeList().focus();
    await page.keyboard.press('End');
    await expect.poll(() => noticeList().evaluate((element) => element.scrollTop + element.clientHeight >= element.scrollHeight - 1)).toBe(true);
    await app.screenshot('traffic-connection-notices-100-900x600-dark-scrolled');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1280, height: 820 });
    await page.getByRole('button', { name: 'Clear…' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Clear', exact: true }).click();
    await expect.poll(() => noticeList().count()).toBe(0);
    await page.getByRole('button', { name: 'Resume capture' }).click();
  });

  it('kept to the CSP: no violation, no console error, no request outside the local server', () => {
    expect(app.cspViolations).toEqual([]);
    expect(app.consoleProblems).toEqual([]);
    expect(app.foreignRequests).toEqual([]);
  });
});
