import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { Pool } from 'undici';
import { credentialRejection, type CredentialRejectionInput } from '../../../gateway/security/retry-policy';
import { bodyForAttempt, isReplayable, replayableBody, type ReplayableBody } from '../../../gateway/security/replayable-body';
import { startRecordingUpstream, type RecordingUpstream } from '../../support/recording-upstream';

describe('credentialRejection', () => {
  const base: CredentialRejectionInput = { status: 200, attempt: 0, usedOAuthToken: true, usedCsrfToken: true, bodyReplayable: true };

  it('retries a 401 once with a fresh OAuth token, and a fresh CSRF session opened with it', () => {
    expect(credentialRejection({ ...base, status: 401 })).toEqual({ invalidateOAuthToken: true, invalidateCsrfToken: true, retry: true });
    expect(credentialRejection({ ...base, status: 401, usedCsrfToken: false })).toEqual({ invalidateOAuthToken: true, invalidateCsrfToken: false, retry: true });
  });

  it('retries a 403 on an OAuth token once with a fresh token, and a fresh CSRF session when one was used', () => {
    expect(credentialRejection({ ...base, status: 403, usedCsrfToken: false })).toEqual({ invalidateOAuthToken: true, invalidateCsrfToken: false, retry: true });
    expect(credentialRejection({ ...base, status: 403 })).toEqual({ invalidateOAuthToken: true, invalidateCsrfToken: true, retry: true });
  });

  it('retries a 403 without an OAuth token once with a fresh CSRF token', () => {
    expect(credentialRejection({ ...base, status: 403, usedOAuthToken: false })).toEqual({ invalidateOAuthToken: false, invalidateCsrfToken: true, retry: true });
  });

  it('passes through statuses that do not reject a cached credential, and never retries fixed credentials', () => {
    // Neither token cached (Basic credentials or a client certificate): a retry would send the same credentials.
    for (const status of [401, 403]) expect(credentialRejection({ ...base, status, usedOAuthToken: false, usedCsrfToken: false })).toBeUndefined();
    // Only a CSRF token cached: a 401 is about the fixed credentials, not about the CSRF session.
    expect(credentialRejection({ ...base, status: 401, usedOAuthToken: false })).toBeUndefined();
    for (const status of [200, 400, 404, 407, 500, 502]) expect(credentialRejection({ ...base, status })).toBeUndefined();
  });

  it('never retries twice, and keeps fresh credentials the backend rejects too', () => {
    expect(credentialRejection({ ...base, status: 401, attempt: 1 })).toBeUndefined();
    expect(credentialRejection({ ...base, status: 403, attempt: 1 })).toBeUndefined();
    expect(credentialRejection({ ...base, status: 403, attempt: 1, usedCsrfToken: false })).toBeUndefined();
  });

  it('still drops the credential when a streamed body rules out the retry', () => {
    expect(credentialRejection({ ...base, status: 401, bodyReplayable: false })).toEqual({ invalidateOAuthToken: true, invalidateCsrfToken: true, retry: false });
    expect(credentialRejection({ ...base, status: 403, usedCsrfToken: false, bodyReplayable: false })).toEqual({ invalidateOAuthToken: true, invalidateCsrfToken: false, retry: false });
  });
});

describe('replayableBody', () => {
  const LIMIT = 64 * 1024;
  let upstream: RecordingUpstream;
  let pool: Pool;
  let server: Server;
  let port: number;
  let handle: (req: IncomingMessage) => Promise<unknown>;

  beforeAll(async () => {
    upstream = await startRecordingUpstream();
    pool = new Pool(upstream.url);
    server = createServer((req, res) => {
      handle(req).then(
        (result) => res.end(JSON.stringify(result)),
        (error: unknown) => res.end(JSON.stringify({ error: String(error) })),
      );
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await pool.close();
    server.close();
    await upstream.close();
  });

  function hasBody(req: IncomingMessage): boolean {
    return req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');
  }

  /** Reads the request like the gateway would, then forwards it upstream up to twice when replayable. */
  async function forwardTwice(req: IncomingMessage) {
    const contentLength = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
    const body: ReplayableBody = await replayableBody(req, { hasBody: hasBody(req), contentLength, limitBytes: LIMIT });
    const attempts = isReplayable(body) ? 2 : 1;
    const received: number[] = [];
    for (let i = 0; i < attempts; i++) {
      const response = await pool.request({ path: '/', method: 'POST', body: bodyForAttempt(body) });
      received.push(((await response.body.json()) as { bodyBytes: number }).bodyBytes);
    }
    return { kind: body.kind, received, hash: body.kind === 'buffered' ? createHash('sha256').update(body.bytes).digest('hex') : undefined };
  }

  function send(chunks: Buffer[], chunked: boolean): Promise<{ kind: string; received: number[]; hash?: string }> {
    const total = chunks.reduce((n, c) => n + c.length, 0);
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(total) } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve(JSON.parse(text)));
      });
      req.on('error', reject);
      (async () => {
        for (const chunk of chunks) {
          req.write(chunk);
          await new Promise((r) => setTimeout(r, 5));
        }
        req.end();
      })().catch(reject);
    });
  }

  it('has nothing to keep for a request without a body', async () => {
    handle = forwardTwice;
    expect(await send([], false)).toEqual({ kind: 'empty', received: [0, 0] });
  });

  it('buffers a body under the limit and sends it twice intact', async () => {
    handle = forwardTwice;
    const data = randomBytes(10_000);
    const result = await send([data], false);
    expect(result).toEqual({ kind: 'buffered', received: [10_000, 10_000], hash: createHash('sha256').update(data).digest('hex') });
  });

  it('buffers a chunked body under the limit', async () => {
    handle = forwardTwice;
    const chunks = [randomBytes(1000), randomBytes(2000), randomBytes(3000)];
    expect(await send(chunks, true)).toMatchObject({ kind: 'buffered', received: [6000, 6000] });
  });

  it('streams a body whose Content-Length is over the limit without reading it first', async () => {
    handle = forwardTwice;
    expect(await send([randomBytes(LIMIT + 1)], false)).toEqual({ kind: 'streamed', received: [LIMIT + 1] });
  });

  it('streams a chunked body once it passes the limit, the chunks read so far first', async () => {
    const chunks = Array.from({ length: 10 }, () => randomBytes(16 * 1024));
    const expected = createHash('sha256').update(Buffer.concat(chunks)).digest('hex');
    handle = async (req) => {
      const body = await replayableBody(req, { hasBody: true, limitBytes: LIMIT });
      const hash = createHash('sha256');
      for await (const chunk of bodyForAttempt(body) as AsyncIterable<Buffer>) hash.update(chunk);
      return { kind: body.kind, received: [], hash: hash.digest('hex') };
    };
    expect(await send(chunks, true)).toEqual({ kind: 'streamed', received: [], hash: expected });
  });

  it('forwards such a partly read chunked body upstream whole, once', async () => {
    handle = forwardTwice;
    const chunks = Array.from({ length: 10 }, () => randomBytes(16 * 1024));
    expect(await send(chunks, true)).toEqual({ kind: 'streamed', received: [160 * 1024] });
  });
});
