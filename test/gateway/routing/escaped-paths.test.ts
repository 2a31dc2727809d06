import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecordingUpstream, type RecordingUpstream } from '../../support/recording-upstream';
import { startTestGateway, basic, type TestGateway } from '../../support/gateway';
import { rawRequest, statusOf } from '../../support/raw-http';
import { pathAsDecoded } from '../../../gateway/server/request-path';
import { escapesInUpperCase, normalizeEscapes, normalRoutePath } from '../../../gateway/config/route-paths';

// A protected path must not be reachable through a public route by escaping it: backends decode `%61` to `a`,
// and many decode `%2F` to `/` (found by probing with Python's http.server behind the gateway).
describe('normalizeEscapes and pathAsDecoded', () => {
  it('decodes escaped unreserved characters only', () => {
    expect(normalizeEscapes('/%61dmi%6E/%7Euser/a%2Db%5F%2E')).toBe('/admin/~user/a-b_.');
    expect(normalizeEscapes('/a%20b/c%2Fd/%C3%A9/%3f')).toBe('/a%20b/c%2Fd/%C3%A9/%3f');
  });

  it('compares escapes in upper case (RFC 3986 §6.2.2.1)', () => {
    expect(escapesInUpperCase('/caf%c3%a9/c%2fd/%3f')).toBe('/caf%C3%A9/c%2Fd/%3F');
    expect(escapesInUpperCase('/plain')).toBe('/plain');
  });

  it('gives a configured path the form requests are matched in', () => {
    expect(normalRoutePath('/café')).toBe('/caf%C3%A9');
    expect(normalRoutePath('/caf%c3%a9')).toBe('/caf%C3%A9');
    expect(normalRoutePath('/%7Eadmin')).toBe('/~admin');
    expect(normalRoutePath('/x/../secret')).toBe('/secret');
    expect(normalRoutePath('/a\\b')).toBe('/a/b');
    expect(normalRoutePath('/admin{x}/"q"/<a>/`b`')).toBe('/admin%7Bx%7D/%22q%22/%3Ca%3E/%60b%60');
    // Empty segments merged, as requests are: a route written with `//` still matches.
    expect(normalRoutePath('//double//path/')).toBe('/double/path/');
    for (const kept of ['/', '/api/v1/', '/a;v=1/b', '/projects/group%2Fproject']) expect(normalRoutePath(kept)).toBe(kept);
  });

  it('reads escaped slashes and backslashes as separators, also escaped twice', () => {
    expect(pathAsDecoded('/admin%2Fsecret')).toBe('/admin/secret');
    expect(pathAsDecoded('/admin%2fsecret')).toBe('/admin/secret');
    expect(pathAsDecoded('/admin%5Csecret')).toBe('/admin/secret');
    expect(pathAsDecoded('/admin%252Fsecret')).toBe('/admin/secret');
    // The empty segments decoding makes are merged, as the path's own are.
    expect(pathAsDecoded('/%2Fadmin/x')).toBe('/admin/x');
    expect(pathAsDecoded('/admin%2F%2Fx')).toBe('/admin/x');
    expect(pathAsDecoded('/plain/path')).toBeUndefined();
    expect(pathAsDecoded('/caf%C3%A9/a%20b')).toBeUndefined();
  });
});

describe('escaped paths through the gateway', () => {
  let backend: RecordingUpstream;
  let gateway: TestGateway;
  const alex = basic('alex', 'alex-pw');

  beforeAll(async () => {
    backend = await startRecordingUpstream();
    gateway = await startTestGateway(
      {
        services: [
          // Service-level protection, as the probe set it up: /admin protected, everything else public.
          { name: 'admin-api', pathPrefix: '/admin', stripPrefix: false, upstream: { url: backend.url }, plugins: { 'basic-auth': {} } },
          { name: 'site', pathPrefix: '/', upstream: { url: backend.url } },
          // Route-level protection inside one service.
          { name: 'shop', pathPrefix: '/shop', upstream: { url: backend.url } },
          { name: 'gitlab', pathPrefix: '/gitlab', upstream: { url: backend.url } },
          // Protected prefixes written outside the form requests come in: as text, and with lower-case escapes.
          { name: 'cafe', pathPrefix: '/café', stripPrefix: false, upstream: { url: backend.url }, plugins: { 'basic-auth': {} } },
          { name: 'menu', pathPrefix: '/men%c3%bc', stripPrefix: false, upstream: { url: backend.url }, plugins: { 'basic-auth': {} } },
          // Characters a request line may carry as they are, though a URI may not.
          { name: 'braces', pathPrefix: '/admin{x}', stripPrefix: false, upstream: { url: backend.url }, plugins: { 'basic-auth': {} } },
          { name: 'quoted', pathPrefix: '/admin"x', stripPrefix: false, upstream: { url: backend.url }, plugins: { 'basic-auth': {} } },
        ],
        routes: [
          { name: 'shop-public', service: 'shop', path: '/' },
          { name: 'shop-orders', service: 'shop', path: '/orders', plugins: { 'basic-auth': {} } },
        ],
        consumers: [{ username: 'alex', basicAuth: { password: { secret: 'alex', key: 'password' } } }],
      },
      { alex: { password: 'alex-pw' } },
    );
  });

  afterAll(async () => {
    await gateway.close();
    await backend.close();
  });

  async function get(path: string, authorization?: string) {
    const before = backend.requests.length;
    const auth = authorization ? `Authorization: ${authorization}\r\n` : '';
    const raw = await rawRequest(gateway.port, `GET ${path} HTTP/1.1\r\nHost: x\r\n${auth}Connection: close\r\n\r\n`);
    const status = statusOf(raw);
    return { status, raw, forwarded: backend.requests.length > before ? backend.requests.at(-1)!.url : undefined };
  }

  it('matches an escaped unreserved character as the character, and forwards it so', async () => {
    expect(await get('/%61dmin/secret.txt')).toMatchObject({ status: 401, forwarded: undefined });
    expect(await get('/admi%6E/secret.txt', alex)).toMatchObject({ status: 200, forwarded: '/admin/secret.txt' });
    expect(await get('/shop/%6Frders/7')).toMatchObject({ status: 401, forwarded: undefined });
  });

  it('matches escapes whatever the case of their hex digits, and a prefix written as text, as the backend reads them; forwards them as sent', async () => {
    for (const path of ['/caf%c3%a9/menu', '/caf%C3%A9/menu', '/caf%c3%A9/menu', '/men%C3%BC/today', '/men%c3%bc/today']) {
      expect(await get(path), path).toMatchObject({ status: 401, forwarded: undefined });
    }
    // Forwarded as the client wrote it: a backend checking a signature over the path reads those bytes.
    expect(await get('/caf%c3%a9/menu', alex)).toMatchObject({ status: 200, forwarded: '/caf%c3%a9/menu' });
    expect(gateway.workspace.services.find((s) => s.name === 'cafe')!.pathPrefix).toBe('/caf%C3%A9');
  });

  it('matches and forwards characters a URI cannot hold as they are percent-encoded, as configured paths are read', async () => {
    // Each raw spelling was a 200 through the public route: only a path with "%", "\" or "/." was put in that form.
    for (const path of ['/admin{x}/a', '/admin%7Bx%7D/a', '/admin%7bx%7d/a', '/admin{x%7D/a', '/admin"x/a', '/admin%22x/a']) {
      expect(await get(path), path).toMatchObject({ status: 401, forwarded: undefined });
    }
    expect(await get('/admin{x}/a', alex)).toMatchObject({ status: 200, forwarded: '/admin%7Bx%7D/a' });
    expect(await get('/admin"x/a', alex)).toMatchObject({ status: 200, forwarded: '/admin%22x/a' });
    // One form whatever else the path holds: an escape beside the braces no longer changes how they are sent.
    expect(await get('/p/{id}/x')).toMatchObject({ status: 200, forwarded: '/p/%7Bid%7D/x' });
    expect(await get('/p/{id}/x%20')).toMatchObject({ status: 200, forwarded: '/p/%7Bid%7D/x%20' });
    expect(await get('/p/<b>/`c`')).toMatchObject({ status: 200, forwarded: '/p/%3Cb%3E/%60c%60' });
  });

  it('refuses an escaped slash that would select another route once decoded', async () => {
    for (const path of ['/admin%2Fsecret.txt', '/admin%2fsecret.txt', '/admin%5Csecret.txt', '/admin%252Fsecret.txt', '/shop/orders%2F7']) {
      const res = await get(path);
      expect(res.status, path).toBe(400);
      expect(res.raw, path).toContain('would select another route once decoded');
      expect(res.forwarded, path).toBeUndefined();
    }
    expect(gateway.logs.at(-1)).toMatchObject({ status: 400, error: 'AMBIGUOUS_PATH' });
  });

  it('refuses path parameters that would select another route once dropped, as Tomcat and Spring drop them', async () => {
    // Each was a 200 through the public route until 1 Dec, which a servlet backend reads as /admin/secret.txt.
    // Signed in too: the route the gateway would choose is not the one the backend acts on.
    for (const [path, authorization] of [['/admin;x/secret.txt'], ['/admin;/secret.txt'], ['/shop/orders;jsessionid=1/7'], ['/admin;v=1/secret.txt', alex]] as [string, string?][]) {
      const res = await get(path, authorization);
      expect(res.status, path).toBe(400);
      expect(res.raw, path).toContain('path parameters (;) that would select another route');
      expect(res.forwarded, path).toBeUndefined();
    }
    // Parameters that leave the route as it is pass unchanged; an escaped ";" is no parameter to a servlet container.
    expect(await get('/admin/secret.txt;v=2', alex)).toMatchObject({ status: 200, forwarded: '/admin/secret.txt;v=2' });
    expect(await get('/public/a;v=1/b')).toMatchObject({ status: 200, forwarded: '/public/a;v=1/b' });
    expect(await get('/admin%3Bx/secret.txt')).toMatchObject({ status: 200, forwarded: '/admin%3Bx/secret.txt' });
  });

  it('routes and forwards a path with its empty segments merged, as nginx, Tomcat and Spring read it', async () => {
    // Each was a 200 from the admin area through the public route: nginx behind the gateway merges the slashes.
    for (const path of ['//admin/secret.txt', '///admin/secret.txt', '/\\admin/secret.txt', '/.//admin/secret.txt', '//shop/orders/7', '/shop//orders/7']) {
      expect(await get(path), path).toMatchObject({ status: 401, forwarded: undefined });
    }
    expect(await get('//admin//secret.txt', alex)).toMatchObject({ status: 200, forwarded: '/admin/secret.txt' });
    expect(await get('/shop//orders//7', alex)).toMatchObject({ status: 200, forwarded: '/orders/7' });
    expect(await get('//public//page')).toMatchObject({ status: 200, forwarded: '/public/page' });
    expect(gateway.logs.at(-1)).toMatchObject({ path: '/public/page', service: 'site' });
  });

  it('refuses an escaped slash that would select another route once decoded and merged', async () => {
    for (const path of ['/%2Fadmin/secret.txt', '/%5Cadmin/secret.txt', '/shop/%2Forders/7']) {
      expect(await get(path), path).toMatchObject({ status: 400, forwarded: undefined });
    }
  });

  it('forwards an escaped slash that selects the same route either way, unchanged', async () => {
    expect(await get('/gitlab/api/v4/projects/group%2Fproject')).toMatchObject({ status: 200, forwarded: '/api/v4/projects/group%2Fproject' });
    expect(await get('/admin/files/a%2Fb', alex)).toMatchObject({ status: 200, forwarded: '/admin/files/a%2Fb' });
  });
});
