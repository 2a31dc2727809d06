import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { connect, createServer } from 'node:net';
import { once } from 'node:events';
import { request } from 'undici';
import { startRecordingUpstream, type RecordingUpstream } from '../../support/recording-upstream';
import { basic, startTestGateway, type TestGateway } from '../../support/gateway';
import { rawRequest, statusOf } from '../../support/raw-http';

let upstream: RecordingUpstream;
let gateway: TestGateway;
const DOWNLOAD_BYTES = 256 * 1024 * 1024;
const chunk = Buffer.alloc(64 * 1024, 0x61);

beforeAll(async () => {
  upstream = await startRecordingUpstream((req, res, recorded) => {
    if (recorded.url.startsWith('/download')) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': DOWNLOAD_BYTES });
      let sent = 0;
      const pump = () => {
        while (sent < DOWNLOAD_BYTES) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      return pump();
    }
    // Never answered: a 504 for it can only come from the gateway's own response timeout.
    if (recorded.url.startsWith('/slow')) return;
    res.writeHead(201, {
      'content-type': 'application/json',
      connection: 'keep-alive, x-upstream-private',
      'x-upstream-private': 'hop',
      'keep-alive': 'timeout=5',
      'set-cookie': ['a=1; Path=/', 'b=2; Path=/'],
    });
    res.end(JSON.stringify({ url: recorded.url, bodyBytes: recorded.bodyBytes, method: req.method }));
  });
  gateway = await startTestGateway(
    {
      gateway: { timeouts: { connectMs: 2000, responseMs: 60_000 } },
      services: [
        { name: 'echo', pathPrefix: '/echo', upstream: { url: upstream.url } },
        { name: 'slow', pathPrefix: '/slowsvc', upstream: { url: upstream.url }, timeouts: { connectMs: 2000, responseMs: 300 } },
        { name: 'dead', pathPrefix: '/dead', upstream: { url: 'http://127.0.0.1:9' } },
        {
          name: 'secured-backend',
          pathPrefix: '/secured',
          upstream: { url: upstream.url },
          endpointSecurity: { type: 'basic', secret: 'backend-creds' },
          plugins: { 'basic-auth': {} },
        },
      ],
      consumers: [{ username: 'alex', basicAuth: { password: { secret: 'alex-pw', key: 'password' } } }],
    },
    { 'backend-creds': { username: 'admin', password: 'admin-s3cret' }, 'alex-pw': { password: '123456' } },
  );
});

afterAll(async () => {
  await gateway.close();
  await upstream.close();
});

describe('proxying', () => {
  it('rewrites Host, sets X-Forwarded-*, removes hop-by-hop headers both ways, keeps end-to-end ones', async () => {
    const before = upstream.requests.length;
    const raw = await rawRequest(
      gateway.port,
      'GET /echo/a?b=c HTTP/1.1\r\nHost: client.test:1234\r\nConnection: keep-alive, X-Private\r\nX-Private: drop-me\r\nKeep-Alive: timeout=5\r\n' +
        'Proxy-Authorization: Basic Zm9vOmJhcg==\r\nTE: trailers\r\nUpgrade: h2c\r\nX-Forwarded-For: 10.0.0.1\r\nX-Custom: kept\r\n\r\n',
    );
    expect(statusOf(raw)).toBe(201);
    const seen = upstream.requests[before]!.headers;
    expect(seen.host).toBe(`127.0.0.1:${upstream.port}`);
    expect(seen['x-forwarded-for']).toBe('10.0.0.1, 127.0.0.1');
    expect(seen['x-forwarded-proto']).toBe('http');
    expect(seen['x-forwarded-host']).toBe('client.test:1234');
    expect(seen['x-custom']).toBe('kept');
    for (const name of ['x-private', 'keep-alive', 'proxy-authorization', 'te', 'upgrade']) expect(seen[name]).toBeUndefined();
    const head = raw.slice(0, raw.indexOf('\r\n\r\n')).toLowerCase();
    expect(head).not.toContain('x-upstream-private');
    expect(head).toContain('set-cookie: a=1; path=/');
    expect(head).toContain('set-cookie: b=2; path=/');
  });

  it('passes methods, bodies and status codes through', async () => {
    const res = await request(`${gateway.url}/echo/items`, { method: 'PUT', body: 'x'.repeat(1000), headers: { 'content-type': 'text/plain' } });
    expect(res.statusCode).toBe(201);
    expect(await res.body.json()).toEqual({ url: '/items', bodyBytes: 1000, method: 'PUT' });
  });

  it('injects the backend Basic credentials from a named secret, replacing the client credentials', async () => {
    const before = upstream.requests.length;
    const res = await request(`${gateway.url}/secured/x`, { headers: { authorization: basic('alex', '123456') } });
    await res.body.dump();
    expect(res.statusCode).toBe(201);
    expect(upstream.requests[before]!.headers.authorization).toBe(basic('admin', 'admin-s3cret'));
    expect(upstream.requests[before]!.headers['x-consumer-username']).toBe('alex');
  });

  it('streams a 1 GiB upload without growing memory', async () => {
    const total = 1024 * 1024 * 1024;
    const before = upstream.requests.length;
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    let produced = 0;
    const body = new Readable({
      read() {
        if (produced >= total) return void this.push(null);
        produced += chunk.length;
        this.push(chunk);
      },
    });
    const res = await request(`${gateway.url}/echo/upload`, { method: 'POST', body, headers: { 'content-length': String(total) } });
    const answer = (await res.body.json()) as { bodyBytes: number };
    clearInterval(sampler);
    expect(res.statusCode).toBe(201);
    expect(answer.bodyBytes).toBe(total);
    expect(upstream.requests[before]!.bodyBytes).toBe(total);
    expect(peak - baseline).toBeLessThan(150 * 1024 * 1024);
  }, 120_000);

  it('streams a large download without buffering it', async () => {
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const res = await request(`${gateway.url}/echo/download`);
    expect(res.headers['content-length']).toBe(String(DOWNLOAD_BYTES));
    let received = 0;
    for await (const part of res.body) {
      received += (part as Buffer).length;
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    expect(received).toBe(DOWNLOAD_BYTES);
    expect(peak - baseline).toBeLessThan(150 * 1024 * 1024);
  }, 60_000);

  it('answers 502 naming the upstream when it cannot connect', async () => {
    const res = await request(`${gateway.url}/dead/x`);
    expect(res.statusCode).toBe(502);
    const body = (await res.body.json()) as { message: string };
    expect(body.message).toContain('http://127.0.0.1:9/');
    expect(body.message).toMatch(/unreachable/);
    // A service reached as a whole: no route, the service named.
    expect(gateway.logs.at(-1)).toMatchObject({ status: 502, route: null, service: 'dead' });
  });

  it('answers 504 when the upstream does not answer in time', async () => {
    const res = await request(`${gateway.url}/slowsvc/slow`);
    expect(res.statusCode).toBe(504);
    expect(((await res.body.json()) as { message: string }).message).toMatch(/timed out/);
  });

  it('answers 504 when connecting times out', async () => {
    // A listener whose backlog is full never completes the handshake: the nearest thing to a black hole on loopback.
    const blackhole = createServer();
    blackhole.listen({ port: 0, host: '127.0.0.1', backlog: 0 });
    await once(blackhole, 'listening');
    blackhole.on('connection', () => undefined);
    const port = (blackhole.address() as { port: number }).port;
    // Fill the accept queue (the server never accepts: its handle is not read), so further SYNs go unanswered.
    const fillers = Array.from({ length: 4 }, () => connect(port, '127.0.0.1').on('error', () => undefined));
    const gw = await startTestGateway({
      services: [{ name: 'bh', upstream: { url: `http://127.0.0.1:${port}` }, timeouts: { connectMs: 200, responseMs: 200 } }],
    });
    try {
      const res = await request(`${gw.url}/x`);
      expect(res.statusCode).toBe(504);
      expect(((await res.body.json()) as { message: string }).message).toContain(`127.0.0.1:${port}`);
    } finally {
      await gw.close();
      for (const f of fillers) f.destroy();
      blackhole.close();
    }
  });

  it('never puts a backend secret into an error or a log line', async () => {
    const all = JSON.stringify(gateway.logs);
    expect(all).not.toContain('admin-s3cret');
    expect(all).not.toContain(Buffer.from('admin:admin-s3cret').toString('base64'));
  });
});
