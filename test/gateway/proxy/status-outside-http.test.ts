// An upstream whose status line carries a code outside 100–599 (llhttp, and so undici, reads any three digits) was
// relayed as it came: a client got `HTTP/1.1 999 unknown`, a status it has no class to read by (RFC 9110 §15). The
// client now gets the gateway's 502 naming the upstream's code, the log line and the traffic inspector keep that
// code, the connection the answer came on is closed rather than reused (its body bytes could not be told from the
// next answer's), and the gateway serves on. Real raw TCP upstreams write the status lines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { once } from 'node:events';
import { startRawUpstreamBehindGateway, type RawUpstreamBehindGateway } from '../../support/raw-upstream-gateway';
import { startRawUpstream, type RawUpstream } from '../../support/raw-upstream';
import { bodyOf, rawRequest, statusOf } from '../../support/raw-http';
import { CapturingGateway, bodyText } from '../../support/capturing-gateway';
import { startTestGateway, type TestGateway } from '../../support/gateway';

const message = (port: number, status: string) =>
  `Upstream http://127.0.0.1:${port}/ answered status ${status}, which is not an HTTP status (100 to 599) (INVALID_STATUS_CODE)`;

describe('an upstream answering a status outside 100–599, kept alive', () => {
  let setup: RawUpstreamBehindGateway;
  /** The sockets the upstream answered 999 on, in order. */
  const oddSockets: Socket[] = [];

  beforeAll(async () => {
    setup = await startRawUpstreamBehindGateway({ name: 'odd', pathPrefix: '/s' }, (socket, path) => {
      if (path === '/s/999') {
        oddSockets.push(socket);
        // A whole answer on a connection left open: a gateway that read the body and kept the connection would reuse it.
        socket.write('HTTP/1.1 999 Odd\r\nContent-Length: 8\r\nConnection: keep-alive\r\n\r\nodd-body');
      } else if (path === '/s/600') {
        socket.write('HTTP/1.1 600 Odd\r\nTransfer-Encoding: chunked\r\n\r\n');
      } else {
        socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok');
      }
    });
  });

  afterAll(() => setup.close());

  const get = (path: string) => rawRequest(setup.gateway.port, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);

  it('answers 502 naming the code, closes the upstream connection, logs the code, and serves the next request', async () => {
    const port = setup.upstream.port;
    const answer = await get('/s/999');
    expect(statusOf(answer)).toBe(502);
    expect(JSON.parse(bodyOf(answer))).toEqual({ message: message(port, '999') });
    expect(answer).not.toContain('odd-body');
    expect(oddSockets).toHaveLength(1);
    // The gateway closed the connection the answer came on: the upstream sees its end.
    if (!oddSockets[0]!.closed) await once(oddSockets[0]!, 'close');
    await expect.poll(() => setup.gateway.logs.find((e) => e.path === '/s/999')).toMatchObject({ status: 502, error: 'INVALID_STATUS_CODE', upstreamStatus: 999 });

    const next = await get('/s/fine');
    expect(statusOf(next)).toBe(200);
    expect(bodyOf(next)).toBe('ok');
  });

  it('answers 502 for 600 before any of its body arrives (the upstream sends none)', async () => {
    const answer = await get('/s/600');
    expect(statusOf(answer)).toBe(502);
    expect(JSON.parse(bodyOf(answer))).toEqual({ message: message(setup.upstream.port, '600') });
    await expect.poll(() => setup.gateway.logs.find((e) => e.path === '/s/600')).toMatchObject({ status: 502, error: 'INVALID_STATUS_CODE', upstreamStatus: 600 });
  });
});

describe('a service answering as Kyma\'s Application Gateway (targetErrors: kyma)', () => {
  let upstream: RawUpstream;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startRawUpstream((socket) => socket.end('HTTP/1.1 999 Odd\r\nContent-Length: 0\r\n\r\n'));
    gateway = await startTestGateway({ services: [{ name: 'kyma', pathPrefix: '/k', targetErrors: 'kyma', upstream: { url: `http://127.0.0.1:${upstream.port}` } }] });
  });

  afterAll(async () => {
    await gateway.close();
    upstream.close();
  });

  // Kyma's own rule (reverseproxy.go, responseModifier) takes 500–599 only: 999 is no target's 5xx to report.
  it('gives the 502 in Kyma\'s error shape, without a Target-System-Status', async () => {
    const answer = await rawRequest(gateway.port, 'GET /k/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(statusOf(answer)).toBe(502);
    expect(answer.toLowerCase()).not.toContain('target-system-status');
    expect(JSON.parse(bodyOf(answer))).toEqual({ code: 502, error: message(upstream.port, '999') });
  });
});

describe('the traffic inspector', () => {
  let upstream: RawUpstream;
  let gw: CapturingGateway;

  beforeAll(async () => {
    upstream = await startRawUpstream((socket) => socket.end('HTTP/1.1 999 Odd\r\nContent-Length: 2\r\n\r\nhi'));
    gw = await new CapturingGateway().start({ services: [{ name: 'odd', pathPrefix: '/c', upstream: { url: `http://127.0.0.1:${upstream.port}` } }] }, {});
  });

  afterAll(async () => {
    await gw.gateway.close();
    upstream.close();
  });

  it('shows the backend\'s 999 as a failed attempt, the cause, and the 502 the client got', async () => {
    const { exchange } = await gw.call('/c/x');
    expect(exchange.error).toBe('INVALID_STATUS_CODE');
    expect(exchange.upstream?.attempts).toEqual([expect.objectContaining({ status: 999, outcome: 'failed' })]);
    expect(exchange.response?.status).toBe(502);
    expect(JSON.parse(bodyText(exchange.response!.body))).toEqual({ message: message(upstream.port, '999') });
  });
});
