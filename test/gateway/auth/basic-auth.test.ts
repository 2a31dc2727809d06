import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { startRecordingUpstream, type RecordingUpstream } from '../../support/recording-upstream';
import { basic, startTestGateway, type TestGateway } from '../../support/gateway';
import { rawRequest, statusOf, bodyOf } from '../../support/raw-http';
import { startGateway } from '../../../gateway/server/gateway-server';
import { MemorySecretSource, SecretResolver } from '../../../gateway/secrets/secret-source';

let upstream: RecordingUpstream;
let gateway: TestGateway;

const secrets = {
  'alex-pw': { password: '123456' },
  'colon-pw': { password: 'pa:ss:word' },
  'utf8-pw': { password: 'pässwörd 東京' },
  // Written composed (NFC) and decomposed (NFD): credentials are compared in NFC (RFC 7617 §2.1).
  'composed-pw': { password: 'p\u00e4ss' },
  'decomposed-pw': { password: 'nai\u0308ve' },
};

beforeAll(async () => {
  upstream = await startRecordingUpstream();
  gateway = await startTestGateway(
    {
      gateway: { throttle: { maxFailures: 1000, windowSeconds: 60, blockSeconds: 60 } },
      services: [
        { name: 'basic-auth-app', pathPrefix: '/v1', upstream: { url: upstream.url } },
        { name: 'guarded', pathPrefix: '/guarded', upstream: { url: upstream.url }, plugins: { 'basic-auth': { realm: 'guarded area' } } },
        { name: 'open', pathPrefix: '/open', upstream: { url: upstream.url } },
      ],
      routes: [
        { name: 'json', service: 'basic-auth-app', path: '/json', match: 'exact', methods: ['GET'], plugins: { 'basic-auth': {} } },
        { name: 'hidden', service: 'basic-auth-app', path: '/hidden', plugins: { 'basic-auth': { hideCredentials: true } } },
        { name: 'anon', service: 'basic-auth-app', path: '/anon', plugins: { 'basic-auth': { anonymousConsumer: 'guest' } } },
        { name: 'guarded-public', service: 'guarded', path: '/public', plugins: { 'basic-auth': { enabled: false } } },
        { name: 'guarded-all', service: 'guarded', path: '/' },
        { name: 'open-all', service: 'open', path: '/' },
      ],
      consumers: [
        { username: 'alex', basicAuth: { password: { secret: 'alex-pw', key: 'password' } } },
        { username: 'colon', basicAuth: { password: { secret: 'colon-pw', key: 'password' } } },
        { username: 'jöhn', basicAuth: { password: { secret: 'utf8-pw', key: 'password' } } },
        { username: 'j\u00fcrgen', basicAuth: { password: { secret: 'composed-pw', key: 'password' } } },
        { username: 'zoe\u0308', basicAuth: { password: { secret: 'decomposed-pw', key: 'password' } } },
        { username: 'guest' },
      ],
    },
    secrets,
  );
});

afterAll(async () => {
  await gateway.close();
  await upstream.close();
});

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await request(`${gateway.url}${path}`, { headers });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

describe('inbound basic-auth', () => {
  it('answers a request without Authorization with 401, the challenge and the APISIX message', async () => {
    const res = await get('/v1/json');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Basic realm=".", charset="UTF-8"');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual({ message: 'Missing authorization in request' });
  });

  it('uses the realm configured on the plugin', async () => {
    const res = await get('/guarded/x');
    expect(res.headers['www-authenticate']).toBe('Basic realm="guarded area", charset="UTF-8"');
  });

  it('forwards a valid request with the consumer identity headers', async () => {
    const before = upstream.requests.length;
    const res = await get('/v1/json', { authorization: basic('alex', '123456') });
    expect(res.status).toBe(200);
    const seen = upstream.requests[before]!;
    expect(seen.url).toBe('/json');
    expect(seen.headers['x-consumer-username']).toBe('alex');
    expect(seen.headers['x-credential-identifier']).toBe('alex');
    expect(seen.headers.authorization).toBe(basic('alex', '123456'));
  });

  it('gives unknown user and wrong password the same answer', async () => {
    const unknown = await get('/v1/json', { authorization: basic('nobody', '123456') });
    const wrong = await get('/v1/json', { authorization: basic('alex', 'wrong') });
    for (const res of [unknown, wrong]) {
      expect(res.status).toBe(401);
      expect(res.json()).toEqual({ message: 'Invalid user authorization' });
      expect(res.headers['www-authenticate']).toBe('Basic realm=".", charset="UTF-8"');
    }
    expect(unknown.text).toBe(wrong.text);
  });

  it.each([
    ['another scheme', `Bearer abc`],
    ['bad base64', 'Basic %%%%'],
    ['no colon', `Basic ${Buffer.from('alex').toString('base64')}`],
    ['scheme alone', 'Basic'],
    ['missing padding', `Basic ${Buffer.from('alex:12345').toString('base64').replace(/=+$/, '')}`],
    ['text after padding', `Basic ${Buffer.from('alex:12345').toString('base64')}junk`],
  ])('rejects a malformed header (%s) as invalid authorization', async (_label, header) => {
    const res = await get('/v1/json', { authorization: header });
    expect(res.status).toBe(401);
    expect(res.json()).toEqual({ message: 'Invalid authorization in request' });
  });

  it.each([
    ['bar:bar\\n', 'Basic YmFyOmJhcgo='],
    ['foo:foo\\n', 'Basic Zm9vOmZvbwo='],
    ['a tab in the password', `Basic ${Buffer.from('alex:123\t456').toString('base64')}`],
  ])("answers well-formed credentials with control characters (%s, APISIX's basic-auth.t TEST 9/10) as wrong credentials", async (_label, header) => {
    const res = await get('/v1/json', { authorization: header });
    expect(res.status).toBe(401);
    expect(res.json()).toEqual({ message: 'Invalid user authorization' });
    expect(res.headers['www-authenticate']).toBe('Basic realm=".", charset="UTF-8"');
  });

  it.each(['basic', 'BASIC', 'BaSiC'])('accepts the scheme written %s', async (scheme) => {
    const res = await get('/v1/json', { authorization: `${scheme} ${Buffer.from('alex:123456').toString('base64')}` });
    expect(res.status).toBe(200);
  });

  it('accepts a tab between scheme and credentials', async () => {
    const raw = await rawRequest(gateway.port, `GET /v1/json HTTP/1.1\r\nHost: x\r\nAuthorization: Basic\t${Buffer.from('alex:123456').toString('base64')}\r\nConnection: close\r\n\r\n`);
    expect(statusOf(raw)).toBe(200);
  });

  it('accepts passwords containing colons and UTF-8 user names', async () => {
    expect((await get('/v1/json', { authorization: basic('colon', 'pa:ss:word') })).status).toBe(200);
    expect((await get('/v1/json', { authorization: basic('jöhn', 'pässwörd 東京') })).status).toBe(200);
    expect((await get('/v1/json', { authorization: basic('jöhn', 'pässwörd東京') })).status).toBe(401);
  });

  it.each([
    ['composed', 'j\u00fcrgen', 'p\u00e4ss', 'j\u00fcrgen'],
    ['decomposed', 'ju\u0308rgen', 'pa\u0308ss', 'j\u00fcrgen'],
    ['composed', 'zo\u00eb', 'na\u00efve', 'zoe\u0308'],
    ['decomposed', 'zoe\u0308', 'nai\u0308ve', 'zoe\u0308'],
  ])('signs in credentials sent %s (%s) whichever form they were configured in, comparing in NFC', async (_form, login, password, consumer) => {
    const before = upstream.requests.length;
    const res = await get('/v1/json', { authorization: basic(login, password) });
    expect(res.status).toBe(200);
    expect(Buffer.from(upstream.requests[before]!.headers['x-consumer-username'] as string, 'latin1').toString('utf8')).toBe(consumer);
    expect((await get('/v1/json', { authorization: basic(login, `${password}x`) })).json()).toEqual({ message: 'Invalid user authorization' });
  });

  it('refuses, by name, a consumer with an empty password; left out in the app, its empty password never matches', async () => {
    const workspace = {
      services: [{ name: 'app', pathPrefix: '/v1', upstream: { url: upstream.url }, plugins: { 'basic-auth': {} } }],
      consumers: [{ username: 'empty', basicAuth: { password: { secret: 'empty-pw', key: 'password' } } }],
    };
    const emptySecret = { 'empty-pw': { password: '' } };
    await expect(startTestGateway(workspace, emptySecret)).rejects.toThrow('consumer "empty" cannot sign in with basic-auth: the password is empty');
    const lenient = await startGateway({
      workspace, secrets: new SecretResolver([new MemorySecretSource('test', emptySecret)]), port: 0, leaveOutBrokenItems: true,
    });
    try {
      expect(lenient.leftOut).toEqual([expect.objectContaining({ kind: 'consumer', name: 'empty', message: expect.stringContaining('the password is empty') })]);
      const res = await request(`${lenient.url}/v1/json`, { headers: { authorization: basic('empty', '') } });
      expect(res.statusCode).toBe(401);
      expect(await res.body.json()).toEqual({ message: 'Invalid user authorization' });
    } finally {
      await lenient.close();
    }
  });

  it('rejects two Authorization headers', async () => {
    const good = Buffer.from('alex:123456').toString('base64');
    const raw = await rawRequest(gateway.port, `GET /v1/json HTTP/1.1\r\nHost: x\r\nAuthorization: Basic ${good}\r\nAuthorization: Basic ${good}\r\nConnection: close\r\n\r\n`);
    expect(statusOf(raw)).toBe(401);
    expect(JSON.parse(bodyOf(raw))).toEqual({ message: 'Invalid authorization in request' });
  });

  describe('Proxy-Authorization, read as Kong reads it', () => {
    it('authenticates valid credentials in Proxy-Authorization, which the upstream never sees', async () => {
      const before = upstream.requests.length;
      const res = await get('/v1/json', { 'proxy-authorization': basic('alex', '123456') });
      expect(res.status).toBe(200);
      const seen = upstream.requests[before]!.headers;
      expect(seen['x-consumer-username']).toBe('alex');
      expect(seen['x-credential-identifier']).toBe('alex');
      expect(seen['proxy-authorization']).toBeUndefined();
    });

    it.each([
      ["Kong's", 'foobar', 'Invalid authorization in request'],
      ['a malformed', 'Basic %%%%', 'Invalid authorization in request'],
      ['a wrong password in', basic('alex', 'wrong'), 'Invalid user authorization'],
      ['control characters in', 'Basic YmFyOmJhcgo=', 'Invalid user authorization'],
    ])('answers %s Proxy-Authorization alone with 401 and the challenge', async (_label, value, message) => {
      const res = await get('/v1/json', { 'proxy-authorization': value });
      expect(res.status).toBe(401);
      expect(res.json()).toEqual({ message });
      expect(res.headers['www-authenticate']).toBe('Basic realm=".", charset="UTF-8"');
    });

    it('signs in with whichever header holds valid credentials, Proxy-Authorization first', async () => {
      const consumerFor = async (headers: Record<string, string>) => {
        const before = upstream.requests.length;
        const res = await get('/v1/json', headers);
        return { status: res.status, consumer: upstream.requests[before]?.headers['x-consumer-username'] };
      };
      const alex = basic('alex', '123456');
      const colon = basic('colon', 'pa:ss:word');
      expect(await consumerFor({ 'proxy-authorization': basic('alex', 'wrong'), authorization: colon })).toEqual({ status: 200, consumer: 'colon' });
      expect(await consumerFor({ 'proxy-authorization': 'Bearer abc', authorization: colon })).toEqual({ status: 200, consumer: 'colon' });
      expect(await consumerFor({ 'proxy-authorization': alex, authorization: 'Bearer abc' })).toEqual({ status: 200, consumer: 'alex' });
      expect(await consumerFor({ 'proxy-authorization': alex, authorization: colon })).toEqual({ status: 200, consumer: 'alex' });
    });

    it('answers wrong credentials in either header over a malformed other', async () => {
      for (const headers of [
        { 'proxy-authorization': basic('alex', 'wrong'), authorization: 'Bearer abc' },
        { 'proxy-authorization': 'Bearer abc', authorization: basic('alex', 'wrong') },
      ]) {
        expect((await get('/v1/json', headers)).json()).toEqual({ message: 'Invalid user authorization' });
      }
      expect((await get('/v1/json', { 'proxy-authorization': 'Bearer abc', authorization: 'Basic %%%%' })).json()).toEqual({ message: 'Invalid authorization in request' });
    });

    it('refuses two Proxy-Authorization headers as malformed', async () => {
      const good = Buffer.from('alex:123456').toString('base64');
      const raw = await rawRequest(gateway.port, `GET /v1/json HTTP/1.1\r\nHost: x\r\nProxy-Authorization: Basic ${good}\r\nProxy-Authorization: Basic ${good}\r\nConnection: close\r\n\r\n`);
      expect(statusOf(raw)).toBe(401);
      expect(JSON.parse(bodyOf(raw))).toEqual({ message: 'Invalid authorization in request' });
    });

    // An Authorization beside a Proxy-Authorization that signs in is the upstream's own: forwarded unread and as sent,
    // every line of it (until 3 Dec two were refused as malformed, since Node keeps only the first), as Kong does.
    it('forwards an Authorization beside a valid Proxy-Authorization unread and as sent, sent twice too', async () => {
      const proxy = `Proxy-Authorization: Basic ${Buffer.from('alex:123456').toString('base64')}\r\n`;
      let before = upstream.requests.length;
      let raw = await rawRequest(gateway.port, `GET /v1/json HTTP/1.1\r\nHost: x\r\n${proxy}Authorization: Bearer for-the-upstream\r\nConnection: close\r\n\r\n`);
      expect(statusOf(raw)).toBe(200);
      expect(upstream.requests[before]!.headers.authorization).toBe('Bearer for-the-upstream');
      const twice = 'Authorization: Bearer first\r\nAuthorization: Bearer second\r\n';
      before = upstream.requests.length;
      raw = await rawRequest(gateway.port, `GET /v1/json HTTP/1.1\r\nHost: x\r\n${proxy}${twice}Connection: close\r\n\r\n`);
      expect(statusOf(raw)).toBe(200);
      const seen = upstream.requests[before]!;
      expect(authorizationLines(seen.rawHeaders)).toEqual(['Bearer first', 'Bearer second']);
      expect(seen.headers['x-consumer-username']).toBe('alex');
    });

    // Node keeps the first of a repeated Authorization (or User-Agent, Referer…) and drops the rest: forwarded from
    // that, a request went on altered, its second line gone unsaid (until 3 Dec).
    it.each([
      ['a public route', '/open/x'],
      ['a route whose plugin is disabled', '/guarded/public'],
      ['a route with an anonymous consumer, signed in by Proxy-Authorization', '/v1/anon'],
    ])('forwards every line of a repeated Authorization and User-Agent as sent on %s', async (_label, path) => {
      const before = upstream.requests.length;
      const proxy = path === '/v1/anon' ? `Proxy-Authorization: Basic ${Buffer.from('alex:123456').toString('base64')}\r\n` : '';
      const raw = await rawRequest(gateway.port, `GET ${path} HTTP/1.1\r\nHost: x\r\nUser-Agent: one/1\r\n${proxy}Authorization: Bearer one\r\nuser-agent: two/2\r\nAuthorization: Bearer two\r\nConnection: close\r\n\r\n`);
      expect(statusOf(raw)).toBe(200);
      const seen = upstream.requests[before]!.rawHeaders;
      expect(authorizationLines(seen)).toEqual(['Bearer one', 'Bearer two']);
      expect(seen.filter((_, i) => i % 2 === 1 && seen[i - 1]!.toLowerCase() === 'user-agent')).toEqual(['one/1', 'two/2']);
    });

    it('falls back to the anonymous consumer when Proxy-Authorization fails, as for Authorization', async () => {
      expect((await get('/v1/anon', { 'proxy-authorization': basic('alex', 'nope') })).status).toBe(200);
      expect(upstream.requests.at(-1)!.headers['x-consumer-username']).toBe('guest');
      expect(upstream.requests.at(-1)!.headers['x-anonymous-consumer']).toBe('true');
      expect((await get('/v1/anon', { 'proxy-authorization': basic('alex', '123456') })).status).toBe(200);
      expect(upstream.requests.at(-1)!.headers['x-consumer-username']).toBe('alex');
    });

    // Kong's hide_credentials clears the header the credentials came in, and only it (until 3 Dec both went).
    it('with hideCredentials, hides the header that signed in: Proxy-Authorization, and the upstream\'s own Authorization beside it goes on', async () => {
      let before = upstream.requests.length;
      const res = await get('/v1/hidden', { 'proxy-authorization': basic('alex', '123456'), authorization: 'Bearer for-someone-else' });
      expect(res.status).toBe(200);
      expect(upstream.requests[before]!.headers.authorization).toBe('Bearer for-someone-else');
      expect(upstream.requests[before]!.headers['proxy-authorization']).toBeUndefined();
      before = upstream.requests.length;
      expect((await get('/v1/hidden', { authorization: basic('alex', '123456') })).status).toBe(200);
      expect(upstream.requests[before]!.headers.authorization).toBeUndefined();
      expect(upstream.requests[before]!.headers['x-consumer-username']).toBe('alex');
    });
  });

  it('removes spoofed identity headers, with or without authentication', async () => {
    const spoof = { 'x-consumer-username': 'admin', 'x-credential-identifier': 'admin', 'x-anonymous-consumer': 'false' };
    let before = upstream.requests.length;
    await get('/v1/json', { ...spoof, authorization: basic('alex', '123456') });
    expect(upstream.requests[before]!.headers['x-consumer-username']).toBe('alex');
    expect(upstream.requests[before]!.headers['x-credential-identifier']).toBe('alex');
    expect(upstream.requests[before]!.headers['x-anonymous-consumer']).toBeUndefined();
    before = upstream.requests.length;
    await get('/open/x', spoof);
    const open = upstream.requests[before]!.headers;
    expect(open['x-consumer-username']).toBeUndefined();
    expect(open['x-credential-identifier']).toBeUndefined();
    expect(open['x-anonymous-consumer']).toBeUndefined();
  });

  it('removes the underscore spellings of the headers it strips or sets, which CGI, WSGI and Rack read as the same', async () => {
    const spoof = {
      X_Credential_Identifier: 'foo', X_Consumer_ID: 'admin-id', X_Consumer_Custom_ID: 'admin', X_Consumer_Username: 'admin',
      'X-Consumer_Custom_ID': 'admin', X_Anonymous_Consumer: 'false', X_Forwarded_For: '6.6.6.6', X_Forwarded_Proto: 'https',
      X_Real_IP: '6.6.6.6', X_CSRF_Token: 'chosen', Proxy_Authorization: basic('alex', '123456'), X_Gatehouse_Environment: 'sandbox',
      // Not one of the gateway's: passed on as sent.
      X_Trace_Id: 't-1',
    };
    for (const [path, authorization] of [['/v1/json', basic('alex', '123456')], ['/v1/anon', undefined], ['/open/x', undefined]] as const) {
      const before = upstream.requests.length;
      expect((await get(path, { ...spoof, ...(authorization ? { authorization } : {}) })).status, path).toBe(200);
      const raw = upstream.requests[before]!.rawHeaders;
      const underscored = raw.filter((name, i) => i % 2 === 0 && name.includes('_'));
      expect(underscored, path).toEqual(['x_trace_id']);
    }
    // What the backend reads as the consumer is the gateway's word.
    expect(upstream.requests.at(-3)!.headers['x-credential-identifier']).toBe('alex');
    expect(upstream.requests.at(-2)!.headers['x-consumer-username']).toBe('guest');
  });

  it('strips the Authorization header when hideCredentials is on', async () => {
    const before = upstream.requests.length;
    const res = await get('/v1/hidden', { authorization: basic('alex', '123456') });
    expect(res.status).toBe(200);
    expect(upstream.requests[before]!.headers.authorization).toBeUndefined();
    expect(upstream.requests[before]!.headers['x-consumer-username']).toBe('alex');
  });

  it('uses the anonymous consumer when authentication is missing or fails, as APISIX and Kong do', async () => {
    const before = upstream.requests.length;
    expect((await get('/v1/anon')).status).toBe(200);
    expect(upstream.requests[before]!.headers['x-consumer-username']).toBe('guest');
    expect(upstream.requests[before]!.headers['x-anonymous-consumer']).toBe('true');
    for (const authorization of [basic('alex', 'nope'), 'Basic !!!', 'Bearer abc']) {
      const res = await get('/v1/anon', { authorization });
      expect(res.status, authorization).toBe(200);
      const seen = upstream.requests.at(-1)!.headers;
      expect(seen['x-consumer-username']).toBe('guest');
      expect(seen['x-anonymous-consumer']).toBe('true');
      expect(seen['x-credential-identifier']).toBeUndefined();
    }
    expect(gateway.logs.at(-1)!.consumer).toBe('guest');
    expect((await get('/v1/anon', { authorization: basic('alex', '123456') })).status).toBe(200);
    expect(upstream.requests.at(-1)!.headers['x-consumer-username']).toBe('alex');
    expect(upstream.requests.at(-1)!.headers['x-anonymous-consumer']).toBeUndefined();
  });

  it("applies a service's plugin to its routes, and lets a route's config override it", async () => {
    expect((await get('/guarded/anything')).status).toBe(401);
    expect((await get('/guarded/anything', { authorization: basic('alex', '123456') })).status).toBe(200);
    expect((await get('/guarded/public')).status).toBe(200);
  });

  it('logs one line per request with the consumer and never a credential', async () => {
    await get('/v1/json', { authorization: basic('alex', '123456') });
    const entry = gateway.logs.at(-1)!;
    expect(entry).toMatchObject({ method: 'GET', path: '/v1/json', route: 'json', consumer: 'alex', status: 200 });
    expect(entry.upstreamMs).toBeGreaterThan(0);
    expect(entry.totalMs).toBeGreaterThanOrEqual(entry.upstreamMs!);
    const all = JSON.stringify(gateway.logs);
    for (const { password } of Object.values(secrets)) if (password) expect(all).not.toContain(password);
    expect(all).not.toContain(Buffer.from('alex:123456').toString('base64'));
  });
});

describe('failed-attempt throttling', () => {
  it('answers 429 with Retry-After past the threshold, for good credentials too, then recovers', async () => {
    const up = await startRecordingUpstream();
    const gw = await startTestGateway(
      {
        // The test's client is on loopback, which is throttled only when asked to.
        gateway: { throttle: { maxFailures: 3, windowSeconds: 60, blockSeconds: 30, loopback: true } },
        services: [{ name: 's', upstream: { url: up.url }, plugins: { 'basic-auth': {} } }],
        consumers: [{ username: 'alex', basicAuth: { password: { secret: 'pw', key: 'password' } } }],
      },
      { pw: { password: 'right' } },
    );
    try {
      const call = async (password: string) => {
        const res = await request(`${gw.url}/x`, { headers: { authorization: basic('alex', password) } });
        await res.body.dump();
        return res;
      };
      expect((await call('wrong')).statusCode).toBe(401);
      expect((await call('wrong')).statusCode).toBe(401);
      expect((await call('wrong')).statusCode).toBe(401);
      const blocked = await call('right');
      expect(blocked.statusCode).toBe(429);
      const retryAfter = Number(blocked.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(30);
      // A missing header is not a failed attempt; it is still refused while blocked.
      expect((await request(`${gw.url}/x`)).statusCode).toBe(429);
    } finally {
      await gw.close();
      await up.close();
    }
  });

  it("does not forgive a client's failures when it signs in with its own login", async () => {
    const up = await startRecordingUpstream();
    const gw = await startTestGateway(
      {
        // loopback: true makes the test's client count as any other address would.
        gateway: { throttle: { maxFailures: 3, windowSeconds: 60, blockSeconds: 30, loopback: true } },
        services: [{ name: 's', upstream: { url: up.url }, plugins: { 'basic-auth': {} } }],
        consumers: [
          { username: 'user321', basicAuth: { password: { secret: 'pw', key: 'user321' } } },
          { username: 'foo', basicAuth: { password: { secret: 'pw', key: 'foo' } } },
        ],
      },
      { pw: { user321: 'unguessed', foo: 'bar' } },
    );
    try {
      const call = async (user: string, password: string) => {
        const res = await request(`${gw.url}/x`, { headers: { authorization: basic(user, password) } });
        await res.body.dump();
        return res.statusCode;
      };
      // Two guesses at user321's password, then the client's own valid login, as a guesser would repeat it: before,
      // the sign-in cleared the count and this went on with 401s forever.
      expect([await call('user321', 'guess-1'), await call('user321', 'guess-2'), await call('foo', 'bar')]).toEqual([401, 401, 200]);
      expect([await call('user321', 'guess-3'), await call('foo', 'bar')]).toEqual([401, 429]);
    } finally {
      await gw.close();
      await up.close();
    }
  });
});

describe('failed-attempt throttling with both headers', () => {
  const workspace = {
    gateway: { throttle: { maxFailures: 2, windowSeconds: 60, blockSeconds: 60, loopback: true } },
    consumers: [
      { username: 'alex', basicAuth: { password: { secret: 'pw', key: 'password' } } },
      { username: 'mallory', basicAuth: { password: { secret: 'pw', key: 'mallory' } } },
    ],
  };
  /** Runs `steps` against a fresh gateway (a fresh throttle), with `call` sending a request and giving its status. */
  /** Headers as a record, or as a flat [name, value, …] list for a name sent twice. */
  async function withFreshGateway(steps: (call: (headers: Record<string, string> | string[]) => Promise<number>) => Promise<void>) {
    const up = await startRecordingUpstream();
    const gw = await startTestGateway(
      { ...workspace, services: [{ name: 's', upstream: { url: up.url }, plugins: { 'basic-auth': {} } }] },
      { pw: { password: 'right', mallory: 'own-password' } },
    );
    try {
      await steps(async (headers) => {
        const res = await request(`${gw.url}/x`, { headers });
        await res.body.dump();
        return res.statusCode;
      });
    } finally {
      await gw.close();
      await up.close();
    }
  }

  it('counts both headers of a request when both fail', async () => {
    await withFreshGateway(async (call) => {
      expect(await call({ 'proxy-authorization': basic('alex', 'wrong-1'), authorization: basic('alex', 'wrong-2') })).toBe(401);
      expect(await call({ authorization: basic('alex', 'right') })).toBe(429);
    });
  });

  it('counts a failing header beside one that signs the request in, and that success clears nothing', async () => {
    // A guess at alex's password in Proxy-Authorization, signed in by the guesser's own valid Authorization.
    await withFreshGateway(async (call) => {
      expect(await call({ 'proxy-authorization': basic('alex', 'guess-1'), authorization: basic('mallory', 'own-password') })).toBe(200);
      expect(await call({ 'proxy-authorization': basic('alex', 'guess-2'), authorization: basic('mallory', 'own-password') })).toBe(200);
      expect(await call({ 'proxy-authorization': basic('alex', 'right') })).toBe(429);
    });
  });

  it('does not count an Authorization sent twice beside a Proxy-Authorization that signs the request in: it is not read', async () => {
    await withFreshGateway(async (call) => {
      const twice = ['proxy-authorization', basic('alex', 'right'), 'authorization', 'Bearer a', 'authorization', 'Bearer b'];
      for (let i = 0; i < 3; i += 1) expect(await call(twice)).toBe(200);
    });
  });

  it('lets a request signed in by its first header pass without counting the second, which is not read', async () => {
    await withFreshGateway(async (call) => {
      for (let i = 0; i < 3; i += 1) {
        expect(await call({ 'proxy-authorization': basic('alex', 'right'), authorization: basic('alex', `not-read-${i}`) })).toBe(200);
      }
    });
  });
});

describe('the throttle and loopback clients', () => {
  async function withGateway(loopback: boolean | undefined, run: (gatewayUrl: string) => Promise<void>) {
    const up = await startRecordingUpstream();
    const gw = await startTestGateway(
      {
        gateway: { throttle: { maxFailures: 2, windowSeconds: 60, blockSeconds: 60, ...(loopback === undefined ? {} : { loopback }) } },
        services: [{ name: 's', upstream: { url: up.url }, plugins: { 'basic-auth': {} } }],
        consumers: [{ username: 'alex', basicAuth: { password: { secret: 'pw', key: 'password' } } }],
      },
      { pw: { password: 'right' } },
    );
    try {
      await run(gw.url);
    } finally {
      await gw.close();
      await up.close();
    }
  }

  /** Statuses of wrong, wrong, wrong, then right credentials, sent from `localAddress`. */
  async function attempts(gatewayUrl: string, localAddress: string): Promise<number[]> {
    const agent = new Agent({ localAddress });
    try {
      const statuses: number[] = [];
      for (const password of ['wrong', 'wrong', 'wrong', 'right']) {
        const res = await request(`${gatewayUrl}/x`, { dispatcher: agent, headers: { authorization: basic('alex', password) } });
        await res.body.dump();
        statuses.push(res.statusCode);
      }
      return statuses;
    } finally {
      await agent.close();
    }
  }

  it('does not block loopback clients by default (127.0.0.2 is loopback too)', async () => {
    await withGateway(undefined, async (url) => {
      expect(await attempts(url, '127.0.0.1')).toEqual([401, 401, 401, 200]);
      expect(await attempts(url, '127.0.0.2')).toEqual([401, 401, 401, 200]);
    });
  });

  it('blocks them with loopback: true, each address on its own', async () => {
    await withGateway(true, async (url) => {
      expect(await attempts(url, '127.0.0.1')).toEqual([401, 401, 429, 429]);
      expect(await attempts(url, '127.0.0.2')).toEqual([401, 401, 429, 429]);
    });
  });

  it("blocks a guesser's address, valid credentials included, never another's: the same login from there signs in", async () => {
    // The README's promise, checked as peer-basic-auth-cases.test.ts checks the peers' cases (neither peer throttles).
    await withGateway(true, async (url) => {
      expect(await attempts(url, '127.0.0.2')).toEqual([401, 401, 429, 429]);
      const agent = new Agent({ localAddress: '127.0.0.3' });
      try {
        const res = await request(`${url}/x`, { dispatcher: agent, headers: { authorization: basic('alex', 'right') } });
        await res.body.dump();
        expect(res.statusCode).toBe(200);
      } finally {
        await agent.close();
      }
    });
  });
});

/** The values of every Authorization line a recorded request carried, in order. */
function authorizationLines(rawHeaders: readonly string[]): string[] {
  return rawHeaders.filter((_, i) => i % 2 === 1 && rawHeaders[i - 1]!.toLowerCase() === 'authorization');
}
