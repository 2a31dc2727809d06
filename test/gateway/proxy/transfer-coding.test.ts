// An upstream's response in a transfer coding besides chunked (`Transfer-Encoding: gzip, chunked`) was relayed as
// the raw gzip bytes without any coding named: a corrupt body as far as the client could tell. It is a 502 naming
// the coding, before anything reaches the client, as nginx answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { RawUpstream } from '../../support/raw-upstream';
import { startRawUpstreamBehindGateway } from '../../support/raw-upstream-gateway';
import { bodyOf, rawRequest, statusOf } from '../../support/raw-http';
import type { TestGateway } from '../../support/gateway';

let upstream: RawUpstream;
let gateway: TestGateway;
let close: () => Promise<void>;

function chunkedGzip(head: string): Buffer {
  const gz = gzipSync('hello world');
  return Buffer.concat([Buffer.from(`${head}\r\n${gz.length.toString(16)}\r\n`, 'latin1'), gz, Buffer.from('\r\n0\r\n\r\n', 'latin1')]);
}

const BEHAVIOURS: Record<string, (socket: Socket) => void> = {
  '/t/gzip-chunked': (s) => s.end(chunkedGzip('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: gzip, chunked\r\n')),
  '/t/two-headers': (s) => s.end(chunkedGzip('HTTP/1.1 200 OK\r\nTransfer-Encoding: GZip\r\nTransfer-Encoding: chunked\r\n')),
  '/t/chunked': (s) => s.end('HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n'),
};

beforeAll(async () => {
  ({ upstream, gateway, close } = await startRawUpstreamBehindGateway({ name: 'codings', pathPrefix: '/t' }, (socket, path) => BEHAVIOURS[path]?.(socket)));
});

afterAll(() => close());

const get = (path: string) => rawRequest(gateway.port, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);

describe('a response in a transfer coding besides chunked', () => {
  it.each(['/t/gzip-chunked', '/t/two-headers'])('%s → 502 naming the coding, none of its bytes relayed', async (path) => {
    const answer = await get(path);
    expect(statusOf(answer)).toBe(502);
    expect(JSON.parse(bodyOf(answer))).toEqual({
      message: `Upstream http://127.0.0.1:${upstream.port}/ sent a response in transfer coding "gzip", which the gateway cannot decode (UNSUPPORTED_TRANSFER_CODING)`,
    });
    expect(answer).not.toContain('\x1f\x8b');
    await expect.poll(() => gateway.logs.find((e) => e.path === path)).toMatchObject({ status: 502, error: 'UNSUPPORTED_TRANSFER_CODING' });
  });

  it('relays a chunked response, whatever the case of its coding', async () => {
    const answer = await get('/t/chunked');
    expect(statusOf(answer)).toBe(200);
    expect(bodyOf(answer)).toBe('5\r\nhello\r\n0\r\n\r\n');
  });
});
