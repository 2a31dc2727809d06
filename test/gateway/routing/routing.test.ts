import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startRecordingUpstream, type RecordingUpstream } from '../../support/recording-upstream';
import { startTestGateway, type TestGateway } from '../../support/gateway';
import { Router } from '../../../gateway/routing/router';
import { Workspace } from '../../../gateway/config/schema';

let upstream: RecordingUpstream;
let gateway: TestGateway;

beforeAll(async () => {
  upstream = await startRecordingUpstream((_req, res, recorded) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ url: recorded.url }));
  });
  gateway = await startTestGateway({
    services: [
      { name: 'api', pathPrefix: '/api', upstream: { url: upstream.url } },
      { name: 'api-v2', pathPrefix: '/api/v2', upstream: { url: `${upstream.url}/base` } },
      { name: 'hosted', pathPrefix: '/', hosts: ['example.test', '*.wild.test'], upstream: { url: upstream.url } },
      { name: 'keep-prefix', pathPrefix: '/keep', stripPrefix: false, upstream: { url: upstream.url } },
      { name: 'write-only', pathPrefix: '/w', upstream: { url: upstream.url } },
    ],
    routes: [
      { name: 'api-prefix', service: 'api', path: '/' },
      { name: 'api-items-prefix', service: 'api', path: '/items' },
      { name: 'api-items-exact', service: 'api', path: '/items', match: 'exact', methods: ['GET'] },
      { name: 'w-new', service: 'write-only', path: '/new', match: 'exact', methods: ['POST', 'PUT'] },
      { name: 'w-del', service: 'write-only', path: '/', methods: ['DELETE'] },
      { name: 'hosted-all', service: 'hosted', path: '/' },
    ],
  });
});

afterAll(async () => {
  await gateway.close();
  await upstream.close();
});

async function call(method: string, path: string, host?: string) {
  const res = await request(`${gateway.url}${path}`, { method: method as 'GET', headers: host ? { host } : {} });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, body: JSON.parse(text) as Record<string, string> };
}

describe('routing', () => {
  it('prefers an exact route over a prefix route', async () => {
    await call('GET', '/api/items');
    expect(gateway.logs.at(-1)!.route).toBe('api-items-exact');
  });

  it('falls back to a matching prefix route when the exact one does not allow the method', async () => {
    await call('DELETE', '/api/items');
    expect(gateway.logs.at(-1)!.route).toBe('api-items-prefix');
  });

  it('prefers the longest prefix, across services', async () => {
    await call('GET', '/api/items/42');
    expect(gateway.logs.at(-1)!.route).toBe('api-items-prefix');
    const res = await call('GET', '/api/v2/things');
    expect(gateway.logs.at(-1)).toMatchObject({ route: null, service: 'api-v2' }); // the service as a whole, no route
    expect(res.body.url).toBe('/base/things');
  });

  it('matches prefixes on segment boundaries', async () => {
    await call('GET', '/api/itemsXYZ');
    expect(gateway.logs.at(-1)!.route).toBe('api-prefix');
  });

  it('answers 405 with Allow when only the method is wrong', async () => {
    const res = await call('GET', '/w/new');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST, PUT, DELETE');
    expect((await call('PUT', '/w/new')).status).toBe(200);
    expect((await call('GET', '/w/other')).headers.allow).toBe('DELETE');
    expect(res.body).toEqual({ message: 'Method GET not allowed' });
  });

  it('answers 404 as JSON when nothing matches', async () => {
    const res = await call('GET', '/nothing-here');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body).toEqual({ message: 'No route matches this request' });
  });

  it('matches hosts, including wildcards and ports', async () => {
    expect((await call('GET', '/x', 'example.test')).status).toBe(200);
    expect((await call('GET', '/x', 'EXAMPLE.test:8080')).status).toBe(200);
    expect((await call('GET', '/x', 'a.wild.test')).status).toBe(200);
    expect((await call('GET', '/x', 'wild.test')).status).toBe(404);
    expect((await call('GET', '/x', 'other.test')).status).toBe(404);
  });

  it('does not let dot segments escape a prefix', async () => {
    const res = await call('GET', '/keep/../api/items');
    expect(gateway.logs.at(-1)!.route).toBe('api-items-exact');
    expect(res.body.url).toBe('/items');
    await call('GET', '/keep/%2e%2e/api/x');
    expect(gateway.logs.at(-1)!.route).toBe('api-prefix');
  });

  it('keeps the prefix when stripPrefix is off, and preserves the query string', async () => {
    const res = await call('GET', '/keep/a/b?x=1&y=%20z&x=2');
    expect(res.body.url).toBe('/keep/a/b?x=1&y=%20z&x=2');
    const stripped = await call('GET', '/api/items/1?q=a');
    expect(stripped.body.url).toBe('/items/1?q=a');
  });
});

describe('Router (unit)', () => {
  it('orders host-specific, exact, then longest prefix', () => {
    const ws = Workspace.parse({
      services: [{ name: 's', upstream: { url: 'http://127.0.0.1:1' } }],
      routes: [
        { name: 'root', service: 's', path: '/' },
        { name: 'a', service: 's', path: '/a' },
        { name: 'ab', service: 's', path: '/a/b' },
        { name: 'ab-exact', service: 's', path: '/a/b', match: 'exact' },
        { name: 'a-host', service: 's', path: '/a', hosts: ['h.test'] },
      ],
    });
    const router = new Router(ws.services, ws.routes);
    const name = (path: string, host = 'x') => {
      const m = router.match('GET', path, host);
      return m.kind === 'matched' ? m.target.name : m.kind;
    };
    expect(name('/a/b')).toBe('ab-exact');
    expect(name('/a/b/c')).toBe('ab');
    expect(name('/a/c')).toBe('a');
    expect(name('/a/b', 'h.test')).toBe('a-host');
    expect(name('/z')).toBe('root');
  });
});
