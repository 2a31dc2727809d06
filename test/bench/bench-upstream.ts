// The upstreams every benchmark path reaches, in their own process: plain HTTP (/json; /oauth/json wants
// the bearer token that /token hands out) and HTTPS demanding a client certificate (certificates from the parent).
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

const body = JSON.stringify({ ok: true, service: 'bench-upstream', items: [1, 2, 3] });
const TOKEN = 'bench-access-token';
const json = (res: import('node:http').ServerResponse, status: number, payload: string) => {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
};

const http = createServer((req, res) => {
  req.resume();
  if (req.url === '/token' && req.method === 'POST') return json(res, 200, JSON.stringify({ access_token: TOKEN, token_type: 'Bearer', expires_in: 3600 }));
  if (req.url?.startsWith('/oauth/') && req.headers.authorization !== `Bearer ${TOKEN}`) return json(res, 401, '{"message":"bad token"}');
  json(res, 200, body);
});
http.keepAliveTimeout = 60_000;

process.once('message', (tls: { ca: string; cert: string; key: string }) => {
  const https = createHttpsServer({ ...tls, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    req.resume();
    json(res, 200, body);
  });
  https.keepAliveTimeout = 60_000;
  http.listen(0, '127.0.0.1', () => {
    https.listen(0, '127.0.0.1', () => {
      process.send?.({ port: (http.address() as AddressInfo).port, tlsPort: (https.address() as AddressInfo).port });
    });
  });
});
process.on('disconnect', () => process.exit(0));
