// The traffic inspector with bodies that are not what their Content-Type says, and a very long request target,
// in the real renderer (Chromium) against the real main side and a real backend, at 1100×700: bytes that are not
// valid UTF-8 are shown as hex (never as U+FFFD passing for the body) whatever the type claims, text in a declared
// charset reads as that text, and a 3,000-character query leaves the details' actions in the window.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import type { Locator, Page } from 'playwright-core';
import { openBrowserAppServing, type BrowserApp } from '../support/browser-app';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream';
import { answerOddBody, NOT_UTF8_POST } from '../support/odd-bodies';

const WIDTH = 1100;
const HEIGHT = 700;
let app: BrowserApp;
let page: Page;
let upstream: RecordingUpstream;

beforeAll(async () => {
  upstream = await startRecordingUpstream((req, res) => {
    if (answerOddBody(req, res)) return;
    res.writeHead(204);
    res.end();
  });
  app = await openBrowserAppServing([{ name: 'odd', pathPrefix: '/odd', upstream: { url: upstream.url } }], { width: WIDTH, height: HEIGHT });
  page = app.page;
}, 60_000);

afterAll(async () => {
  await app?.close();
  await upstream?.close();
});

/** A request as the bytes given, through Node's http (fetch would refuse nothing here, but says less). */
async function send(path: string, method = 'GET', headers: Record<string, string> = {}, body?: Buffer): Promise<number> {
  const base = new URL((await app.call<{ url: string }>('gateway:status')).url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: base.hostname, port: base.port, method, path, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const rows = () => page.locator('.traffic-table tbody tr');
const details = () => page.getByRole('complementary');

async function open(row: Locator): Promise<void> {
  await expect.poll(() => row.locator('td').last().textContent()).toMatch(/\d (ms|s)$/);
  await row.click();
  await details().waitFor();
  await details().evaluate((element) => element.scrollIntoView({ block: 'start' }));
}

describe('traffic bodies that are not what they say, and a long target', () => {
  const longQuery = `q=${'w'.repeat(3000)}`;

  it('records the four requests', async () => {
    expect(await send('/odd/bad-json')).toBe(200);
    expect(await send('/odd/latin1')).toBe(200);
    expect(await send('/odd/post', 'POST', { 'content-type': 'application/json' }, NOT_UTF8_POST)).toBe(204);
    expect(await send(`/odd/long?${longQuery}`)).toBe(204);
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: /^Traffic/ }).click();
    await expect.poll(() => rows().count()).toBe(4);
  });

  it('shows a JSON answer with bytes that are not UTF-8 as binary and hex, with nothing to copy', async () => {
    await open(rows().filter({ hasText: '/odd/bad-json' }));
    const hex = details().getByLabel('Response body, hex preview');
    expect(await hex.textContent()).toContain('7b 22 61 22 3a 22 c3 28 ff 22 7d');
    expect(await details().textContent()).not.toContain('\uFFFD');
    expect(await details().locator('.body-toolbar strong').allTextContents()).toEqual(['Binary']);
    expect(await details().getByRole('button', { name: 'Copy body' }).count()).toBe(0);
    await hex.evaluate((element) => element.scrollIntoView({ block: 'center' }));
    await app.screenshot('traffic-invalid-utf8-json-1100x700');
  });

  it('shows a request body declared JSON but not UTF-8 as hex', async () => {
    await open(rows().filter({ hasText: '/odd/post' }));
    const hex = details().getByLabel('Request body, hex preview');
    expect((await hex.textContent())!.startsWith('00000000  ff fe 00 7b c3')).toBe(true);
    expect(await details().textContent()).not.toContain('\uFFFD');
    await hex.evaluate((element) => element.scrollIntoView({ block: 'center' }));
    await app.screenshot('traffic-invalid-utf8-post-1100x700');
  });

  it('reads a body in its declared charset (ISO-8859-1) as that text', async () => {
    await open(rows().filter({ hasText: '/odd/latin1' }));
    const body = details().getByLabel('Response body', { exact: true });
    expect(await body.textContent()).toBe('café');
    expect(await details().getByRole('button', { name: 'Copy body' }).count()).toBe(1);
    await body.evaluate((element) => element.scrollIntoView({ block: 'center' }));
    await app.screenshot('traffic-latin1-1100x700');
  });

  it('keeps the details’ actions in the window for a 3,000-character target, whose whole is still there', async () => {
    await open(rows().filter({ hasText: '/odd/long' }));
    for (const name of ['Close details', 'Copy as curl (client)', 'Open in Try it']) {
      const box = (await details().getByRole('button', { name }).boundingBox())!;
      expect(box.y + box.height, name).toBeLessThanOrEqual(HEIGHT);
    }
    const target = details().locator('.details-target');
    expect(await target.getAttribute('title')).toBe(`/odd/long?${longQuery}`);
    // Two lines at most in the heading; the request line under "Client → gateway" has it all.
    const heights = await target.evaluate((e) => {
      // The page's getComputedStyle: this callback runs in the browser, and the tests' types are Node's.
      const style = (globalThis as unknown as { getComputedStyle(element: unknown): { lineHeight: string } }).getComputedStyle(e);
      return { box: e.getBoundingClientRect().height, line: parseFloat(style.lineHeight) };
    });
    expect(heights.box).toBeLessThanOrEqual(2 * heights.line + 1);
    expect(await details().locator('.request-line-text').first().textContent()).toBe(`GET /odd/long?${longQuery} HTTP/1.1`);
    await app.screenshot('traffic-long-target-1100x700');
  });
});
