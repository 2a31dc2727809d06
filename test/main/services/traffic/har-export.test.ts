// HAR export of captured exchanges: valid HAR 1.2 (checked with the community schema), credentials masked unless
// asked for, and the second hop in `_gatehouse`. The exchanges come from a real gateway with capture on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { request as httpRequest } from 'node:http';
import { startGateway, type Gateway } from '../../../../gateway/server/gateway-server';
import { MemorySecretSource, SecretResolver } from '../../../../gateway/secrets/secret-source';
import { TrafficCapture } from '../../../../gateway/capture/traffic-capture';
import { ExchangeBuffer } from '../../../../main/services/traffic/exchange-buffer';
import { exchangesToHar } from '../../../../main/services/traffic/har-export';
import type { CapturedExchange } from '../../../../gateway/capture/exchange';
import { startRecordingUpstream, type RecordingUpstream } from '../../../support/recording-upstream';
import { basic } from '../../../support/gateway';
import { harProblems } from '../../../support/har-schema';
import { answerOddBody, NOT_UTF8_JSON, NOT_UTF8_POST } from '../../../support/odd-bodies';

let upstream: RecordingUpstream;
let gateway: Gateway;
const buffer = new ExchangeBuffer(3, 1024 * 1024);
const completed: number[] = [];

beforeAll(async () => {
  upstream = await startRecordingUpstream((req, res) => {
    if (answerOddBody(req, res)) return;
    if (req.url?.startsWith('/bin')) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return res.end(Buffer.from([0, 1, 2, 255]));
    }
    res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'sid=upstream-cookie-1; Path=/' });
    res.end('{"ok":true}');
  });
  const capture = new TrafficCapture((exchange, credentials) => {
    const summary = buffer.put(structuredClone(exchange), structuredClone(credentials), 1);
    if (exchange.state === 'complete') completed.push(summary.id);
  }, { enabled: true });
  gateway = await startGateway({
    workspace: {
      services: [{ name: 'billing', pathPrefix: '/billing', upstream: { url: upstream.url }, plugins: { 'basic-auth': {} }, endpointSecurity: { type: 'basic', secret: 'billing-backend' } }],
      consumers: [{ username: 'alex', basicAuth: { password: { secret: 'alex', key: 'password' } } }],
    },
    secrets: new SecretResolver([new MemorySecretSource('t', { alex: { password: 'client-pass-1' }, 'billing-backend': { username: 'svc-user', password: 'svc-pass-2' } })]),
    port: 0,
    capture,
  });
});

afterAll(async () => {
  await gateway.close();
  await upstream.close();
});

async function send(path: string, init: { method?: 'GET' | 'POST'; body?: string | Buffer } = {}): Promise<void> {
  const before = completed.length;
  const res = await request(`${gateway.url}${path}`, { method: init.method ?? 'GET', body: init.body ?? null, headers: { authorization: basic('alex', 'client-pass-1'), 'content-type': 'application/json' } });
  await res.body.dump();
  while (completed.length === before) await new Promise((r) => setImmediate(r));
}

describe('HAR export', () => {
  it('is valid HAR 1.2 with credentials masked, bodies as text or base64, and the backend hop in _gatehouse', async () => {
    await send('/billing/invoices?page=1', { method: 'POST', body: '{"n":1}' });
    await send('/billing/bin');
    const har = exchangesToHar(buffer.select(), { gatewayUrl: gateway.url, creatorVersion: '0.1.0' });
    expect(harProblems(har)).toEqual([]);
    // The check can fail: an entry without its required fields is refused.
    expect(harProblems({ log: { version: '1.2', creator: { name: 'x', version: '1' }, entries: [{ startedDateTime: 'yesterday' }] } }).length).toBeGreaterThan(0);
    const text = JSON.stringify(har);
    for (const secret of ['client-pass-1', 'svc-pass-2', 'upstream-cookie-1', basic('alex', 'client-pass-1'), basic('svc-user', 'svc-pass-2')]) expect(text).not.toContain(secret);
    const [post, bin] = har.log.entries as { request: { url: string; postData: { text: string }; queryString: unknown[]; headers: { name: string; value: string }[] }; response: { content: { text: string; encoding?: string; mimeType: string } }; _gatehouse: { upstream: { url: string; attempts: { headers: { name: string; value: string }[] }[] } } }[];
    expect(post!.request.url).toBe(`${gateway.url}/billing/invoices?page=1`);
    expect(post!.request.queryString).toEqual([{ name: 'page', value: '1' }]);
    expect(post!.request.postData.text).toBe('{"n":1}');
    expect(post!.request.headers).toContainEqual({ name: 'authorization', value: 'Basic alex:••••••••' });
    expect(post!.response.content.text).toBe('{"ok":true}');
    expect(post!._gatehouse.upstream.url).toBe(`${upstream.url}/invoices?page=1`);
    expect(post!._gatehouse.upstream.attempts[0]!.headers).toContainEqual({ name: 'authorization', value: 'Basic svc-user:••••••••' });
    expect(bin!.response.content).toEqual({ size: 4, mimeType: 'application/octet-stream', text: Buffer.from([0, 1, 2, 255]).toString('base64'), encoding: 'base64' });
  });

  it('puts the raw values back only when credentials are asked for', async () => {
    const ids = buffer.summaries().map((s) => s.id);
    const har = exchangesToHar(buffer.select([ids.at(-1)!]), { gatewayUrl: gateway.url, creatorVersion: '0.1.0', credentialsOf: (id) => buffer.credentials(id) });
    expect(harProblems(har)).toEqual([]);
    const entries = har.log.entries as { request: { headers: { name: string; value: string }[] }; _gatehouse: { upstream: { attempts: { headers: { name: string; value: string }[] }[] } } }[];
    expect(entries).toHaveLength(1);
    expect(entries[0]!.request.headers).toContainEqual({ name: 'authorization', value: basic('alex', 'client-pass-1') });
    expect(entries[0]!._gatehouse.upstream.attempts[0]!.headers).toContainEqual({ name: 'authorization', value: basic('svc-user', 'svc-pass-2') });
    expect(har.log.comment).toContain('Includes credentials');
  });

  it('keeps the last N exchanges and counts the dropped ones', async () => {
    await send('/billing/a');
    await send('/billing/b');
    expect(buffer.counts()).toEqual({ kept: 3, dropped: 1 });
    expect(buffer.summaries().map((s) => s.target)).toEqual(['/billing/b', '/billing/a', '/billing/bin']);
  });

  it('carries text in its declared charset as text, and bytes that are not valid text as base64 whatever their type says', async () => {
    await send('/billing/latin1');
    await send('/billing/bad-json', { method: 'POST', body: NOT_UTF8_POST });
    const har = exchangesToHar(buffer.select(), { gatewayUrl: gateway.url, creatorVersion: '0.1.0' });
    expect(harProblems(har)).toEqual([]);
    const [latin1, bad] = (har.log.entries as { request: { postData?: { text: string; comment?: string } }; response: { content: { text: string; encoding?: string } } }[]).slice(-2);
    expect(latin1!.response.content).toEqual({ size: 4, mimeType: 'text/plain; charset=iso-8859-1', text: 'café' });
    expect(bad!.response.content).toEqual({ size: NOT_UTF8_JSON.length, mimeType: 'application/json', text: NOT_UTF8_JSON.toString('base64'), encoding: 'base64' });
    expect(bad!.request.postData).toMatchObject({ text: NOT_UTF8_POST.toString('base64'), comment: 'text is base64 (binary body)' });
  });

  it('names each entry\'s connection by the client\'s port (HAR 1.2 `connection`)', async () => {
    const before = completed.length;
    let localPort: number | undefined;
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(`${gateway.url}/billing/port`, { agent: false, headers: { authorization: basic('alex', 'client-pass-1') } }, (res) => {
        res.resume().once('end', resolve);
      });
      req.once('socket', (socket) => socket.once('connect', () => (localPort = socket.localPort)));
      req.once('error', reject).end();
    });
    while (completed.length === before) await new Promise((r) => setImmediate(r));
    const har = exchangesToHar(buffer.select([completed.at(-1)!]), { gatewayUrl: gateway.url, creatorVersion: '0.1.0' });
    expect(harProblems(har)).toEqual([]);
    expect((har.log.entries as { connection?: string }[])[0]!.connection).toBe(String(localPort));
  });
});

describe('HAR export of a request whose backend was not called', () => {
  it('says why in _gatehouse, beside the error code and the failure in words', () => {
    const empty = { size: 0, base64: '', truncated: false, complete: true, kind: 'empty' as const };
    const exchange: CapturedExchange = {
      id: 1, startedAt: Date.now(), state: 'complete', client: '127.0.0.1',
      request: { method: 'GET', target: '/badclient/a', httpVersion: 'HTTP/1.1', headers: [{ name: 'host', value: '127.0.0.1:9080' }], body: empty },
      response: { status: 502, headers: [], body: empty },
      route: null, service: 'badclient', consumer: null,
      error: 'GATEHOUSE_TOKEN_ENDPOINT', errorMessage: 'token endpoint http://idp.test/token answered HTTP 401 (invalid_client)',
      upstream: { url: 'http://api.test/a', environment: 'production', credentials: [], attempts: [], notCalled: 'fetching the token from http://idp.test/token failed: it answered HTTP 401 (invalid_client)' },
      timing: { totalMs: 3 },
    };
    const har = exchangesToHar([exchange], { gatewayUrl: 'http://127.0.0.1:9080', creatorVersion: '0.1.0' });
    expect(harProblems(har)).toEqual([]);
    const [entry] = har.log.entries as { _gatehouse: Record<string, unknown> & { upstream: Record<string, unknown> } }[];
    expect(entry!._gatehouse.error).toBe('GATEHOUSE_TOKEN_ENDPOINT');
    expect(entry!._gatehouse.errorMessage).toBe('token endpoint http://idp.test/token answered HTTP 401 (invalid_client)');
    expect(entry!._gatehouse.upstream.attempts).toEqual([]);
    expect(entry!._gatehouse.upstream.notCalled).toBe('fetching the token from http://idp.test/token failed: it answered HTTP 401 (invalid_client)');
  });
});
