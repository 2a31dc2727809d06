// The gateway loads undici's parts from their own files, not from the index (gateway/proxy/undici-core.ts).
// These must stay the very objects the index exports, and `requestThrough` must reach the server as undici's
// `request(url, { dispatcher })` does: an undici upgrade that moves a file fails here, not in production.
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as undici from 'undici';
import { buildConnector, errors, lowerCaseHeaderName, Pool, requestThrough } from '../../../gateway/proxy/undici-core';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

function listen(onRequest: (req: IncomingMessage, body: string) => void): Promise<string> {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => {
      onRequest(req, body);
      res.setHeader('content-type', 'text/plain');
      res.end(`${req.method} ${req.url}`);
    });
  });
  return new Promise((resolve) => server!.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server!.address() as AddressInfo).port}`)));
}

describe('undici-core', () => {
  it('exports the same Pool class and error classes as undici itself', () => {
    expect(Pool).toBe(undici.Pool);
    expect(buildConnector).toBe(undici.buildConnector);
    expect(errors).toBe(undici.errors);
    expect(new errors.BodyTimeoutError()).toBeInstanceOf(undici.errors.UndiciError);
    // The name undici's own header parsing gives a raw header: known names interned, others lower-cased.
    expect(lowerCaseHeaderName).toBe(undici.util.headerNameToString);
    expect(lowerCaseHeaderName(Buffer.from('Content-Type'))).toBe('content-type');
    expect(lowerCaseHeaderName(Buffer.from('X-Odd-Name'))).toBe('x-odd-name');
  });

  it('requestThrough sends method, path with query, headers and body through the given pool', async () => {
    const seen: { method?: string; url?: string; header?: string; body?: string }[] = [];
    const origin = await listen((req, body) => seen.push({ method: req.method, url: req.url, header: req.headers['x-probe'] as string, body }));
    const pool = new Pool(origin);
    try {
      const response = await requestThrough(pool, `${origin}/token?scope=a%20b`, { method: 'POST', headers: { 'x-probe': 'yes' }, body: 'grant_type=client_credentials' });
      expect(response.statusCode).toBe(200);
      expect(await response.body.text()).toBe('POST /token?scope=a%20b');
      expect(seen).toEqual([{ method: 'POST', url: '/token?scope=a%20b', header: 'yes', body: 'grant_type=client_credentials' }]);
    } finally {
      await pool.close();
    }
  });

  it('requestThrough without a dispatcher uses undici\'s global one, GET by default', async () => {
    const origin = await listen(() => {});
    const response = await requestThrough(undefined, `${origin}/csrf`, { headers: { 'x-csrf-token': 'Fetch' } });
    expect(await response.body.text()).toBe('GET /csrf');
  });
});
