// Endpoint security in the GUI against the real services: Basic from a named secret entered in the form, then
// OAuth client credentials against a real token endpoint with a bearer-protected upstream.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowserApp, runAxe, seriousViolations, type BrowserApp } from '../support/browser-app';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream';
import { bearerProtected, startOAuthTokenServer, type OAuthTokenServer } from '../support/oauth-token-server';

let app: BrowserApp;
let page: Page;
let basicUpstream: RecordingUpstream;
let bearerUpstream: RecordingUpstream;
let tokens: OAuthTokenServer;

beforeAll(async () => {
  basicUpstream = await startRecordingUpstream();
  tokens = await startOAuthTokenServer({ clients: { 'gh-client': 'gh-client-secret' }, expiresIn: 900 });
  bearerUpstream = await startRecordingUpstream(bearerProtected(tokens));
  app = await openBrowserApp();
  page = app.page;
  await page.getByText('Gateway: Running').waitFor({ timeout: 20_000 });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await basicUpstream?.close();
  await bearerUpstream?.close();
  await tokens?.close();
});

const production = () => page.getByRole('group', { name: 'Production endpoint' });

async function tryIt(path: string): Promise<string> {
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: /^Try it/ }).click();
  await page.getByLabel('Path', { exact: true }).fill(path);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await page.getByRole('button', { name: 'Send', exact: true }).waitFor();
  return (await page.getByTestId('response-status').textContent()) ?? '';
}

describe('endpoint security in the GUI', () => {
  it('Basic from a named secret entered in the form: the upstream gets that Authorization', async () => {
    await page.getByRole('button', { name: 'New service' }).click();
    await page.getByLabel('Name', { exact: true }).fill('secured');
    await page.getByLabel('Path prefix', { exact: true }).fill('/secured');
    await page.getByLabel('Upstream URL', { exact: true }).fill(basicUpstream.url);
    await production().getByLabel('Authentication to the backend').selectOption('basic');
    await production().getByLabel('Secret name').fill('secured-backend');
    await production().getByLabel('Enter username and password now').check();
    await production().getByLabel('Username', { exact: true }).fill('svc-user');
    await production().getByLabel('Password', { exact: true }).fill('svc-pass-123');
    await page.getByRole('button', { name: 'Add sandbox endpoint' }).click();
    await page.getByLabel('Sandbox upstream URL').fill(basicUpstream.url);
    await production().getByLabel('Skip verification').check();
    await production().getByText('TLS verification is off for this endpoint.').scrollIntoViewIfNeeded();
    await app.screenshot('10-endpoint-security-basic');
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await production().getByLabel('System CAs').check();
    await page.getByRole('button', { name: 'Remove sandbox endpoint' }).click();
    await page.getByRole('button', { name: 'Save service' }).click();
    await page.getByText('Service secured saved.').waitFor();

    const saved = await app.call<{ workspace: { services: { endpointSecurity?: unknown }[] } }>('workspace:get');
    expect(saved.workspace.services[0]!.endpointSecurity).toEqual({ type: 'basic', secret: 'secured-backend', usernameKey: 'username', passwordKey: 'password' });
    expect(JSON.stringify(saved)).not.toContain('svc-pass-123');

    expect(await tryIt('/secured/anything')).toContain('200');
    const last = basicUpstream.requests.at(-1)!;
    expect(last.headers.authorization).toBe(`Basic ${Buffer.from('svc-user:svc-pass-123').toString('base64')}`);
  });

  it('switches to OAuth client credentials: "Fetch a token now" works and the upstream gets Bearer <token>', async () => {
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: /^Services/ }).click();
    await page.getByRole('button', { name: /^secured/ }).click();
    await page.getByLabel('Upstream URL', { exact: true }).fill(bearerUpstream.url);
    await production().getByLabel('Authentication to the backend').selectOption('oauth2-client-credentials');
    await production().getByLabel('Token URL').fill(tokens.tokenUrl);
    await production().getByLabel('Secret name').fill('secured-oauth');
    await production().getByLabel('Client authentication').selectOption('client_secret_post');
    await production().getByLabel('Enter client id and secret now').check();
    await production().getByLabel('Client id', { exact: true }).fill('gh-client');
    await production().getByLabel('Client secret', { exact: true }).fill('gh-client-secret');
    await expect.poll(() => production().getByRole('button', { name: 'Fetch a token now' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Save service' }).click();
    await page.getByText('Service secured saved.').waitFor();
    await production().getByRole('button', { name: 'Fetch a token now' }).click();
    await production().getByText(/Token received \(Bearer\), valid for \d+ s/).waitFor();
    await app.screenshot('11-endpoint-security-oauth');
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    expect(tokens.requests.at(-1)).toMatchObject({ clientAuth: 'client_secret_post', clientId: 'gh-client', accepted: true });

    expect(await tryIt('/secured/orders')).toContain('200');
    const auth = bearerUpstream.requests.at(-1)!.headers.authorization ?? '';
    expect(auth).toMatch(/^Bearer \S+$/);
    expect(tokens.isValid(auth.slice('Bearer '.length))).toBe(true);
    expect(app.cspViolations).toEqual([]);
  });
});
