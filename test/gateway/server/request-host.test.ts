// The host a request is routed by: the Host header, or an absolute-form target's host, which RFC 9112 §3.2.2 has
// stand in for Host; a fully qualified name's trailing dot changes nothing (as nginx and APISIX read it), and a
// name with an empty label is refused. Real gateway, recording upstream, raw sockets.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRecordingUpstream, type RecordingUpstream } from '../../support/recording-upstream';
import { basic, startTestGateway, type TestGateway } from '../../support/gateway';
import { RawConnection, type RawResponse } from '../../support/raw-connection';

let upstream: RecordingUpstream;
let gateway: TestGateway;
let before = 0;
const ALEX = basic('alex', 'host-pw-1');

beforeAll(async () => {
  upstream = await startRecordingUpstream();
  gateway = await startTestGateway(
    {
      services: [
        // A protected API on its own host names, and a public service for every other host at the same paths.
        { name: 'api', pathPrefix: '/h', hosts: ['api.example.com', '*.example.net'], upstream: { url: `${upstream.url}/protected` }, plugins: { 'basic-auth': {} } },
        { name: 'public', pathPrefix: '/', upstream: { url: `${upstream.url}/public` } },
      ],
      consumers: [{ username: 'alex', basicAuth: { password: { secret: 'alex-pw', key: 'password' } } }],
    },
    { 'alex-pw': { password: 'host-pw-1' } },
  );
});

afterAll(async () => {
  await gateway.close();
  await upstream.close();
});

beforeEach(() => {
  before = upstream.requests.length;
});

async function send(head: string[]): Promise<RawResponse> {
  const conn = await RawConnection.open(gateway.port);
  try {
    conn.write(`${head.join('\r\n')}\r\n\r\n`);
    const res = await conn.response();
    expect(res, 'an answer').toBeDefined();
    return res!;
  } finally {
    conn.close();
  }
}

describe('a fully qualified host name (trailing dot)', () => {
  it.each([
    ['in Host', ['GET /h/x HTTP/1.1', 'Host: api.example.com.']],
    ['in Host, in capitals, with a port', ['GET /h/x HTTP/1.1', 'Host: API.Example.COM.:8080']],
    ['under a wildcard', ['GET /h/x HTTP/1.1', 'Host: eu.example.net.']],
    ['in an absolute-form target', ['GET http://api.example.com./h/x HTTP/1.1', 'Host: api.example.com.']],
  ])('%s reaches the protected service, as the name without the dot does', async (_name, head) => {
    const res = await send(head);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Basic /);
    expect(upstream.requests.length, 'nothing forwarded').toBe(before);
  });

  it('is served once signed in, and the backend is told the Host as the client sent it', async () => {
    const res = await send(['GET /h/x HTTP/1.1', 'Host: api.example.com.', `Authorization: ${ALEX}`]);
    expect(res.status).toBe(200);
    expect(upstream.requests[before]).toMatchObject({ url: '/protected/x', headers: { 'x-forwarded-host': 'api.example.com.' } });
  });
});

describe('a host name with an empty label', () => {
  it.each([
    ['two dots in Host', ['GET /h/x HTTP/1.1', 'Host: api..example.com'], /Host header/],
    ['a leading dot in Host', ['GET /h/x HTTP/1.1', 'Host: .api.example.com'], /Host header/],
    ['two trailing dots in Host', ['GET /h/x HTTP/1.1', 'Host: api.example.com..'], /Host header/],
    ['two dots in an absolute-form target', ['GET http://api..example.com/h/x HTTP/1.1', 'Host: api.example.com'], /request target/],
  ])('%s: 400, never forwarded', async (_name, head, message) => {
    const res = await send(head as string[]);
    expect(res.status).toBe(400);
    expect((JSON.parse(res.body) as { message: string }).message).toMatch(message);
    expect(upstream.requests.length).toBe(before);
  });
});

describe('an absolute-form target naming another host than Host (RFC 9112 §3.2.2)', () => {
  it('is routed by the target\'s host: the protected service asks for a login', async () => {
    const res = await send(['GET http://api.example.com/h/x HTTP/1.1', 'Host: public.test']);
    expect(res.status).toBe(401);
    expect(upstream.requests.length).toBe(before);
  });

  it('is routed by the target\'s host the other way too, and the backend is told the target\'s host and port', async () => {
    const res = await send(['GET http://public.test:99/h/x HTTP/1.1', 'Host: api.example.com', 'Forwarded: for=192.0.2.1']);
    expect(res.status).toBe(200);
    expect(upstream.requests[before]).toMatchObject({
      url: '/public/h/x',
      headers: { 'x-forwarded-host': 'public.test:99', forwarded: 'for=192.0.2.1, for=127.0.0.1;host="public.test:99";proto=http' },
    });
  });

  it('still needs a Host header in HTTP/1.1 (RFC 9112 §3.2)', async () => {
    const res = await send(['GET http://public.test/h/x HTTP/1.1']);
    expect(res.status).toBe(400);
    expect(upstream.requests.length).toBe(before);
  });
});
