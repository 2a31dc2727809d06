// Trailer fields are not relayed, either way (README, Proxying): the gateway re-frames each body, and a `Trailer`
// header announcing fields that never come is dropped with them. What must hold is the framing: the body arrives
// whole, the chunked message ends where it should, and the connection serves the next request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { connect } from 'node:net';
import { startRawUpstream, type RawUpstream } from '../../support/raw-upstream';
import { startRecordingUpstream, type RecordingUpstream } from '../../support/recording-upstream';
import { startTestGateway, type TestGateway } from '../../support/gateway';
import { RawConnection } from '../../support/raw-connection';

let raw: RawUpstream;
let recording: RecordingUpstream;
let gateway: TestGateway;
/** The trailer fields the recording upstream's parser read, by request URL. */
const trailersSeen = new Map<string, string[]>();

beforeAll(async () => {
  raw = await startRawUpstream((socket) =>
    // A body in three chunks, then two trailer fields; the raw upstream reads one request per connection.
    socket.end('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum, X-Status\r\nConnection: close\r\n\r\n' +
      '5\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nX-Checksum: sha256=abc\r\nX-Status: done\r\n\r\n'),
  );
  recording = await startRecordingUpstream((req, res, recorded) => {
    trailersSeen.set(recorded.url, req.rawTrailers);
    res.end(JSON.stringify({ bodyBytes: recorded.bodyBytes, trailer: req.headers.trailer ?? null }));
  });
  gateway = await startTestGateway({
    services: [
      { name: 'raw', pathPrefix: '/raw', upstream: { url: `http://127.0.0.1:${raw.port}` } },
      { name: 'echo', pathPrefix: '/echo', upstream: { url: recording.url } },
    ],
  });
});

afterAll(async () => {
  await gateway.close();
  raw.close();
  await recording.close();
});

describe('trailer fields', () => {
  it('from the upstream: the body whole, the chunked message ended without them, no Trailer header; the connection serves the next request', async () => {
    const client = connect({ host: '127.0.0.1', port: gateway.port });
    await once(client, 'connect');
    let bytes = '';
    client.on('data', (chunk: Buffer) => (bytes += chunk.toString('latin1')));
    client.write('GET /raw/report HTTP/1.1\r\nHost: gw.test\r\nTE: trailers\r\n\r\n');
    await expect.poll(() => bytes.endsWith('\r\n0\r\n\r\n')).toBe(true);
    const head = bytes.slice(0, bytes.indexOf('\r\n\r\n'));
    expect(head).toMatch(/^HTTP\/1\.1 200 /);
    expect(head).toMatch(/\r\nTransfer-Encoding: chunked(\r\n|$)/i);
    expect(head).not.toMatch(/\r\nTrailer:/i);
    // Chunks as the gateway writes them, the terminating one with no field behind it.
    const chunks = bytes.slice(head.length + 4);
    expect(chunks).not.toMatch(/X-Checksum|X-Status/);
    expect(decodeChunked(chunks)).toBe('hello world');

    // Nothing stray on the connection: the next answer parses from the first byte.
    bytes = '';
    client.write('GET /echo/next HTTP/1.1\r\nHost: gw.test\r\nConnection: close\r\n\r\n');
    await once(client, 'end');
    expect(bytes).toMatch(/^HTTP\/1\.1 200 /);
    client.destroy();
  });

  it('from the client: the body forwarded whole and well framed, without them or a Trailer header; the answer comes back on a connection that serves the next request', async () => {
    const conn = await RawConnection.open(gateway.port);
    try {
      conn.write('POST /echo/upload HTTP/1.1\r\nHost: gw.test\r\nTransfer-Encoding: chunked\r\nTrailer: X-Signature\r\n\r\n' +
        '4\r\nabcd\r\n3\r\nefg\r\n0\r\nX-Signature: s1\r\n\r\n');
      const res = await conn.response();
      expect(res?.status).toBe(200);
      expect(JSON.parse(res!.body)).toEqual({ bodyBytes: 7, trailer: null });
      expect(trailersSeen.get('/upload')).toEqual([]);
      conn.write('GET /echo/after HTTP/1.1\r\nHost: gw.test\r\n\r\n');
      expect((await conn.response())?.status).toBe(200);
    } finally {
      conn.close();
    }
  });
});

/** The payload of a chunked body that ends with a last chunk and no trailer fields; throws on anything else. */
function decodeChunked(text: string): string {
  let payload = '';
  let offset = 0;
  for (;;) {
    const lineEnd = text.indexOf('\r\n', offset);
    const size = Number.parseInt(text.slice(offset, lineEnd), 16);
    if (Number.isNaN(size)) throw new Error(`not a chunk size at ${offset}`);
    offset = lineEnd + 2;
    if (size === 0) {
      if (text.slice(offset) !== '\r\n') throw new Error('something after the last chunk');
      return payload;
    }
    payload += text.slice(offset, offset + size);
    if (text.slice(offset + size, offset + size + 2) !== '\r\n') throw new Error('a chunk not ended by CRLF');
    offset += size + 2;
  }
}
