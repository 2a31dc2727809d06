import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

/** The body httpbin's /json answers, as in the APISIX basic-auth walkthrough. */
export const SLIDESHOW = {
  slideshow: {
    author: 'Yours Truly',
    date: 'date of publication',
    slides: [
      { title: 'Wake up to WonderWidgets!', type: 'all' },
      { items: ['Why <em>WonderWidgets</em> are great', 'Who <em>buys</em> WonderWidgets'], title: 'Overview', type: 'all' },
    ],
    title: 'Sample Slide Show',
  },
};

const MAX_DELAY_SECONDS = 10;

function json(res: import('node:http').ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body, null, 2);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

/** A small httpbin-like upstream: /json, /headers, /status/:code, /delay/:seconds, /anything. */
export function createDemoUpstream(): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://demo.invalid');
    const [, first, arg] = url.pathname.split('/');
    req.resume();
    if (url.pathname === '/json') return json(res, 200, SLIDESHOW);
    if (url.pathname === '/headers') return json(res, 200, { headers: req.headers });
    if (first === 'status' && arg && /^[1-5]\d\d$/.test(arg) && Number(arg) >= 200) {
      res.writeHead(Number(arg));
      return res.end();
    }
    if (first === 'delay' && arg && /^\d+(\.\d+)?$/.test(arg)) {
      const seconds = Math.min(Number(arg), MAX_DELAY_SECONDS);
      const timer = setTimeout(() => json(res, 200, { delayed: seconds, path: url.pathname }), seconds * 1000);
      res.once('close', () => clearTimeout(timer));
      return;
    }
    if (first === 'anything') return json(res, 200, { method: req.method, path: url.pathname, query: url.search, headers: req.headers });
    json(res, 404, { message: 'not found', paths: ['/json', '/headers', '/status/:code', '/delay/:seconds', '/anything'] });
  });
}

export async function startDemoUpstream(port = 0): Promise<{ server: Server; url: string }> {
  const server = createDemoUpstream();
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
