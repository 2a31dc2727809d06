import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { CsrfTokenStore, applyCsrfToken, credentialIdentity, mergeCookieHeader, parseSetCookie, type CsrfEndpoint, type CsrfToken } from '../../../gateway/security/csrf-token-store';
import { CredentialEndpointError } from '../../../gateway/security/credential-endpoint-error';
import type { OutgoingHeaders } from '../../../gateway/proxy/forward-headers';
import { startCsrfApiServer, type CsrfApiServer } from '../../support/csrf-api-server';
import { startRecordingUpstream } from '../../support/recording-upstream';
import { basic } from '../../support/gateway';

const AUTH = basic('erp-user', 'erp-password');

let api: CsrfApiServer;
beforeAll(async () => {
  api = await startCsrfApiServer({ authorization: AUTH });
});
afterAll(() => api.close());
afterEach(() => {
  api.requests.length = 0;
});

function endpoint(overrides: Partial<CsrfEndpoint> = {}): CsrfEndpoint {
  return { tokenEndpointUrl: api.tokenUrl, identity: credentialIdentity('basic', AUTH), authenticate: () => ({ authorization: AUTH }), ...overrides };
}

async function post(token: CsrfToken, callerHeaders: OutgoingHeaders = {}): Promise<number> {
  const headers: OutgoingHeaders = { authorization: AUTH, ...callerHeaders };
  applyCsrfToken(headers, token);
  const response = await request(`${api.url}/sap/opu/odata/sap/API/Orders`, { method: 'POST', headers, body: '{"a":1}' });
  await response.body.dump();
  return response.statusCode;
}

async function csrfFailure(promise: Promise<unknown>): Promise<CredentialEndpointError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(CredentialEndpointError);
  return error as CredentialEndpointError;
}

describe('CsrfTokenStore', () => {
  it('fetches with X-CSRF-Token: Fetch, Accept: */*, Cache-Control: no-cache and the endpoint’s own credentials, keeping token and session cookies', async () => {
    const token = await new CsrfTokenStore().source(endpoint()).token();
    // The same headers as Kyma's CSRF client (internal/csrf/client/csrfclient.go, setCSRFSpecificHeaders).
    expect(api.requests).toEqual([expect.objectContaining({ method: 'GET', url: '/sap/opu/odata/sap/API/', csrfToken: 'Fetch', accept: '*/*', cacheControl: 'no-cache', authorization: AUTH, status: 200 })]);
    expect(token.value).toMatch(/^[A-Za-z0-9+/=]{24}$/);
    expect(token.cookies.map(([name]) => name)).toEqual(['SAP_SESSIONID_GH1', 'sap-usercontext']);
    expect(token.cookies[1]).toEqual(['sap-usercontext', 'sap-client=100']);
    expect(await post(token)).toBe(200);
  });

  it('is refused by the backend without the session cookies the token belongs to', async () => {
    const token = await new CsrfTokenStore().source(endpoint()).token();
    expect(await post({ ...token, cookies: [] })).toBe(403);
  });

  it('sends one fetch for 200 concurrent callers', async () => {
    const source = new CsrfTokenStore().source(endpoint());
    const before = api.fetches;
    const tokens = await Promise.all(Array.from({ length: 200 }, () => source.token()));
    expect(api.fetches - before).toBe(1);
    expect(new Set(tokens).size).toBe(1);
  });

  it('refetches after invalidation when the backend rotated its tokens (403), and the new token works', async () => {
    const source = new CsrfTokenStore().source(endpoint());
    const first = await source.token();
    api.rotate();
    expect(await post(first)).toBe(403);
    source.invalidate(first);
    const second = await source.token();
    expect(second.value).not.toBe(first.value);
    expect(await post(second)).toBe(200);
    source.invalidate(first); // a late duplicate invalidation keeps the new token
    expect(await source.token()).toBe(second);
  });

  it('keeps a token per credential identity', async () => {
    const store = new CsrfTokenStore();
    const before = api.fetches;
    const a = await store.source(endpoint()).token();
    const b = await store.source(endpoint({ identity: credentialIdentity('basic', 'another') })).token();
    expect(api.fetches - before).toBe(2);
    expect(a.cookies[0]![1]).not.toBe(b.cookies[0]![1]);
    expect(store.size).toBe(2);
  });

  it('reads the credentials at each fetch, so a refreshed OAuth token is used', async () => {
    let calls = 0;
    const authenticate = async () => {
      calls += 1;
      return { authorization: AUTH };
    };
    const source = new CsrfTokenStore().source(endpoint({ authenticate }));
    source.invalidate(await source.token());
    await source.token();
    expect(calls).toBe(2);
  });

  it('expires with the earliest session cookie, or after its default lifetime', async () => {
    const short = await startCsrfApiServer({ sessionMaxAgeSeconds: 60 });
    try {
      let now = 1_000_000;
      const source = new CsrfTokenStore({ now: () => now }).source(endpoint({ tokenEndpointUrl: short.tokenUrl }));
      const first = await source.token();
      expect(first.expiresAt).toBe(1_060_000);
      now += 59_000;
      expect(await source.token()).toBe(first);
      now += 2_000;
      expect(await source.token()).not.toBe(first);
      expect(short.fetches).toBe(2);
    } finally {
      await short.close();
    }
    const token = await new CsrfTokenStore({ now: () => 0, tokenLifetimeSeconds: 120 }).source(endpoint()).token();
    expect(token.expiresAt).toBe(120_000);
  });

  it('leaves out cookies the token endpoint deletes, and says which cookies it leaves out because no Cookie header can carry them, never their values', async () => {
    const upstream = await startRecordingUpstream((_req, res) => {
      res.writeHead(200, {
        'x-csrf-token': 'T',
        'set-cookie': ['old=x; Max-Age=0', 'bad name=secret1', 'keep=1; Path=/', 'gone=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT', 'tab=secret2\tx', 'quote=secret3"x', 'backslash=secret4\\x', 'secret5; Path=/'],
      });
      res.end();
    });
    const warnings: string[] = [];
    try {
      const token = await new CsrfTokenStore({ warn: (message) => warnings.push(message) }).source(endpoint({ tokenEndpointUrl: `${upstream.url}/csrf?key=secret6` })).token();
      expect(token.cookies).toEqual([['keep', '1']]);
    } finally {
      await upstream.close();
    }
    const label = `CSRF token endpoint ${upstream.url}/csrf`;
    expect(warnings).toEqual([
      `gatehouse: ${label} set a cookie that no Cookie header can carry (its name is not an RFC 9110 token); the token is sent without it`,
      `gatehouse: ${label} set cookie "tab" that no Cookie header can carry (its value holds a control character); the token is sent without it`,
      `gatehouse: ${label} set cookie "quote" that no Cookie header can carry (its value holds a double quote or a backslash); the token is sent without it`,
      `gatehouse: ${label} set cookie "backslash" that no Cookie header can carry (its value holds a double quote or a backslash); the token is sent without it`,
      `gatehouse: ${label} sent a Set-Cookie with no cookie name (RFC 6265 §5.2 ignores it); the token is sent without it`,
    ]);
    expect(warnings.join('\n')).not.toMatch(/secret/);
  });

  it.each([['a space', (id: string) => `${id} x`, (id: string) => `"${id} x"`], ['a comma', (id: string) => `${id},y`, (id: string) => `"${id},y"`], ['a space, quoted', (id: string) => `"${id} x"`, (id: string) => `"${id} x"`]])(
    'keeps a session cookie whose value holds %s, sends it quoted as Go’s net/http does, and the backend takes the token with it',
    async (_case, sessionValue, sent) => {
      const spaced = await startCsrfApiServer({ authorization: AUTH, sessionValue });
      const warnings: string[] = [];
      try {
        const token = await new CsrfTokenStore({ warn: (message) => warnings.push(message) }).source(endpoint({ tokenEndpointUrl: spaced.tokenUrl })).token();
        const id = spaced.issuedTokens()[1]!;
        expect(token.cookies).toEqual([['SAP_SESSIONID_GH1', sent(id)], ['sap-usercontext', 'sap-client=100']]);
        const headers: OutgoingHeaders = { authorization: AUTH };
        applyCsrfToken(headers, token);
        const response = await request(`${spaced.url}/orders`, { method: 'POST', headers, body: '{}' });
        await response.body.dump();
        expect(response.statusCode).toBe(200);
        expect(spaced.requests.at(-1)!.cookie).toBe(`SAP_SESSIONID_GH1=${sent(id)}; sap-usercontext=sap-client=100`);
        expect(warnings).toEqual([]);
      } finally {
        await spaced.close();
      }
    },
  );

  it('fails with the token endpoint and HTTP status when the credentials are refused, quoting nothing else', async () => {
    const error = await csrfFailure(new CsrfTokenStore().source(endpoint({ authenticate: () => ({ authorization: basic('erp-user', 'wrong') }) })).token());
    expect(error.status).toBe(502);
    expect(error.code).toBe('GATEHOUSE_CSRF_TOKEN');
    expect(error.upstreamStatus).toBe(401);
    expect(error.message).toBe(`CSRF token endpoint ${api.tokenUrl} answered HTTP 401`);
  });

  it('fails when the answer has no token, and when the endpoint is unreachable', async () => {
    const plain = await startRecordingUpstream();
    try {
      const error = await csrfFailure(new CsrfTokenStore().source(endpoint({ tokenEndpointUrl: `${plain.url}/csrf?sap-client=100` })).token());
      expect(error.failure).toBe('no-token');
      expect(error.message).toBe(`CSRF token endpoint ${plain.url}/csrf answered HTTP 200 without a usable X-CSRF-Token header`);
    } finally {
      await plain.close();
    }
    const error = await csrfFailure(new CsrfTokenStore().source(endpoint({ tokenEndpointUrl: `${plain.url}/csrf` })).token());
    expect(error.failure).toBe('unreachable');
    expect(error.message).toBe(`CSRF token endpoint ${plain.url}/csrf unreachable (ECONNREFUSED)`);
  });
});

describe('mergeCookieHeader', () => {
  const cookies = [['SAP_SESSIONID_GH1', 'new'], ['sap-usercontext', 'sap-client=100']] as const;

  it('replaces same-named caller cookies and keeps the others in order', () => {
    expect(mergeCookieHeader('a=1; SAP_SESSIONID_GH1=old;b=2', cookies)).toBe('a=1; b=2; SAP_SESSIONID_GH1=new; sap-usercontext=sap-client=100');
  });

  it('reads several Cookie headers and none', () => {
    expect(mergeCookieHeader(['a=1', 'sap-usercontext=x; c=3'], cookies)).toBe('a=1; c=3; SAP_SESSIONID_GH1=new; sap-usercontext=sap-client=100');
    expect(mergeCookieHeader(undefined, cookies)).toBe('SAP_SESSIONID_GH1=new; sap-usercontext=sap-client=100');
    expect(mergeCookieHeader(undefined, [])).toBeUndefined();
    expect(mergeCookieHeader('a=1', [])).toBe('a=1');
  });

  it('is what applyCsrfToken puts on a request, replacing a caller’s X-CSRF-Token', () => {
    const headers: OutgoingHeaders = { 'x-csrf-token': 'Fetch', cookie: 'SAP_SESSIONID_GH1=stolen' };
    applyCsrfToken(headers, { value: 'T0K3N', cookies, expiresAt: 0 });
    expect(headers).toEqual({ 'x-csrf-token': 'T0K3N', cookie: 'SAP_SESSIONID_GH1=new; sap-usercontext=sap-client=100' });
  });
});

describe('parseSetCookie', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');

  it('takes name, value and expiry, Max-Age over Expires', () => {
    expect(parseSetCookie('S=abc; Path=/; HttpOnly', now)).toEqual({ name: 'S', value: 'abc' });
    expect(parseSetCookie('S="q v"; Max-Age=10', now)).toEqual({ name: 'S', value: '"q v"', expiresAt: now + 10_000 });
    expect(parseSetCookie('S="qv"; Max-Age=10; Expires=Wed, 01 Jan 2025 01:00:00 GMT', now)).toEqual({ name: 'S', value: '"qv"', expiresAt: now + 10_000 });
    expect(parseSetCookie('S=x; expires=Wed, 01 Jan 2025 01:00:00 GMT', now)).toEqual({ name: 'S', value: 'x', expiresAt: now + 3_600_000 });
  });

  it('takes the value as RFC 6265 §5.2 does: all up to the first ";", trimmed of spaces and tabs only', () => {
    expect(parseSetCookie('SESSION=sess5 x; Path=/', now)).toEqual({ name: 'SESSION', value: 'sess5 x' });
    expect(parseSetCookie('SESSION=sess6,y', now)).toEqual({ name: 'SESSION', value: 'sess6,y' });
    expect(parseSetCookie(' \tn \t= \ta b\t ;Path=/', now)).toEqual({ name: 'n', value: 'a b' });
    expect(parseSetCookie('n=a\u00a0', now)).toEqual({ name: 'n', value: 'a\u00a0' });
    expect(parseSetCookie('n=', now)).toEqual({ name: 'n', value: '' });
  });

  it('gives nothing for the lines §5.2 ignores: no "=", or an empty name', () => {
    expect(parseSetCookie('novalue', now)).toBeUndefined();
    expect(parseSetCookie('=x', now)).toBeUndefined();
    expect(parseSetCookie(' =x; Path=/', now)).toBeUndefined();
  });
});
