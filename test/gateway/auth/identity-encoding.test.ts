// Names and realms outside ASCII are served, as UTF-8 bytes on the wire (Kong's way); a header the gateway cannot
// build is its own 500, never blamed on the upstream; the anonymous consumer also covers failed authentication,
// and failures still count toward the throttle.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startRecordingUpstream, type RecordingUpstream } from '../../support/recording-upstream';
import { basic, startTestGateway, type TestGateway } from '../../support/gateway';
import { RawConnection } from '../../support/raw-connection';
import { toUpstreamError } from '../../../gateway/proxy/upstream-errors';
import { validateWorkspace } from '../../../gateway/config/validate';

const NAMES = ['δοκιμή', '利用者', 'jürgen'];
const REALM = 'Zoë – API ✓';
let upstream: RecordingUpstream;
let gateway: TestGateway;

beforeAll(async () => {
  upstream = await startRecordingUpstream();
  gateway = await startTestGateway(
    {
      gateway: { throttle: { maxFailures: 2, windowSeconds: 600, blockSeconds: 600, loopback: true } }, // the test's client is on loopback
      services: [
        { name: 'intl', pathPrefix: '/intl', upstream: { url: upstream.url }, plugins: { 'basic-auth': { realm: REALM } } },
        { name: 'anon', pathPrefix: '/anon', upstream: { url: upstream.url }, plugins: { 'basic-auth': { anonymousConsumer: 'guest' } } },
      ],
      consumers: [
        ...NAMES.map((username, i) => ({ username, basicAuth: { password: { secret: `pw-${i}`, key: 'password' } } })),
        { username: 'guest' },
      ],
    },
    Object.fromEntries(NAMES.map((_, i) => [`pw-${i}`, { password: `pässwort-${i}` }])),
  );
});

afterAll(async () => {
  await gateway.close();
  await upstream.close();
});

/** A header value as the upstream received it, its bytes read as UTF-8 (Node hands them over one per character). */
function utf8Header(rawHeaders: string[], name: string): string | undefined {
  const i = rawHeaders.findIndex((h, k) => k % 2 === 0 && h.toLowerCase() === name);
  return i < 0 ? undefined : Buffer.from(rawHeaders[i + 1]!, 'latin1').toString('utf8');
}

describe('outside ASCII', () => {
  it('challenges with the realm in UTF-8 bytes and a proper 401 status line', async () => {
    const conn = await RawConnection.open(gateway.port);
    try {
      conn.write('GET /intl/x HTTP/1.1\r\nHost: gw.test\r\n\r\n');
      const res = await conn.response();
      expect(res?.status).toBe(401);
      expect(Buffer.from(res!.headers['www-authenticate']!, 'latin1').toString('utf8')).toBe(`Basic realm="${REALM}", charset="UTF-8"`);
    } finally {
      conn.close();
    }
  });

  it.each(NAMES.map((name, i) => [name, i] as const))('consumer %s reaches the upstream as UTF-8 bytes', async (name, i) => {
    const before = upstream.requests.length;
    const res = await request(`${gateway.url}/intl/who`, { headers: { authorization: basic(name, `pässwort-${i}`) } });
    await res.body.dump();
    expect(res.statusCode).toBe(200);
    const seen = upstream.requests[before]!.rawHeaders;
    expect(utf8Header(seen, 'x-consumer-username')).toBe(name);
    expect(utf8Header(seen, 'x-credential-identifier')).toBe(name);
    expect(gateway.logs.at(-1)!.consumer).toBe(name);
  });

  it('refuses at validation, with the field path, names no header can carry', () => {
    const result = validateWorkspace({ consumers: [{ username: 'two\nlines' }], services: [{ name: 's', pathPrefix: '/s', upstream: { url: 'http://x.test' }, plugins: { 'basic-auth': { realm: 'a\rb' } } }] });
    expect(result.ok).toBe(false);
    const paths = result.ok ? [] : result.errors.map((e) => e.path);
    expect(paths).toContain('consumers[0].username');
    expect(paths).toContain('services[0].plugins["basic-auth"].realm');
  });

  it('refuses every control character in a realm, a tab and C1 (U+0080–U+009F) included, and takes other text', () => {
    const realmErrors = (realm: string) => {
      const result = validateWorkspace({ services: [{ name: 's', pathPrefix: '/s', upstream: { url: 'http://x.test' }, plugins: { 'basic-auth': { realm } } }] });
      return result.ok ? [] : result.errors;
    };
    for (const realm of ['a\tb', 'a\u0000b', 'a\u007fb', 'a\u0080b', 'a\u0085b', 'a\u009fb', 'a"b', 'a\\b']) {
      expect(realmErrors(realm), JSON.stringify(realm)).toEqual([
        { path: 'services[0].plugins["basic-auth"].realm', message: 'no quotes, backslashes or control characters (tabs, line breaks, U+007F–U+009F)' },
      ]);
    }
    for (const realm of ['', 'guarded area', '\u00a0caf\u00e9 \u00ff', 'Zone \u6771\u4eac']) expect(realmErrors(realm), JSON.stringify(realm)).toEqual([]);
  });

  it("calls undici's refusal of a request the gateway built its own 500, not the upstream's fault", () => {
    const error = toUpstreamError(Object.assign(new Error('invalid x-consumer-username header'), { code: 'UND_ERR_INVALID_ARG' }), 'http://backend.test/');
    expect(error.status).toBe(500);
    expect(error.message).toMatch(/^Internal gateway error/);
    expect(error.message).not.toMatch(/unreachable/);
    expect(toUpstreamError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), 'http://backend.test/').status).toBe(502);
  });
});

describe('anonymous consumer and the throttle', () => {
  it('serves failed attempts as the anonymous consumer, counts them, and serves a throttled client anonymously', async () => {
    const get = async (path: string, authorization?: string) => {
      const before = upstream.requests.length;
      const res = await request(`${gateway.url}${path}`, { headers: authorization ? { authorization } : {} });
      await res.body.dump();
      return { status: res.statusCode, consumer: upstream.requests[before]?.headers['x-consumer-username'] };
    };
    const right = basic('jürgen', 'pässwort-2');
    expect(await get('/anon/a', basic('jürgen', 'wrong'))).toEqual({ status: 200, consumer: 'guest' });
    expect(await get('/anon/a', 'Basic %%%')).toEqual({ status: 200, consumer: 'guest' });
    // Two failures: blocked. Right credentials no longer log in, here or on a route without the fallback.
    expect(await get('/anon/a', right)).toEqual({ status: 200, consumer: 'guest' });
    expect((await get('/intl/a', right)).status).toBe(429);
  });
});
