// The Node ceiling: node:http in, an undici Pool out, the same Basic check and Basic injection as the gateway,
// nothing else (no routing, no log, no limits). What one Node thread can do as this proxy. With a client
// certificate in its setup it reaches an HTTPS upstream over mutual TLS: what TLS alone costs a Node proxy.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { createSecureContext } from 'node:tls';
import { Pool } from 'undici';
import { basicCheck, receiveSetup, reportListening } from './peer-setup';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-connection', 'host']);

function forwardable(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}

const setup = await receiveSetup();
const tls = setup.clientCertificate;
// One secure context for every connection, as the gateway builds one per endpoint.
const connect = tls ? { secureContext: createSecureContext({ cert: tls.cert, key: tls.key, ca: tls.ca }) } : undefined;
const pool = new Pool(setup.upstream, { pipelining: 1, keepAliveTimeout: 10_000, connect });
const upstreamHost = new URL(setup.upstream).host;
const authorized = basicCheck(setup.inboundAuthorization);
const prefix = '/v1';

const server = createServer((req, res) => {
  if (!authorized(req.headers.authorization)) {
    res.writeHead(401, { 'www-authenticate': 'Basic realm="bench"', 'content-length': '0' }).end();
    return;
  }
  const headers = forwardable(req.headers);
  headers.host = upstreamHost;
  headers.authorization = setup.outboundAuthorization;
  const url = req.url ?? '/';
  const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
  pool.stream(
    { path: url.startsWith(prefix) ? url.slice(prefix.length) || '/' : url, method: req.method as 'GET', headers, body: hasBody ? req : null },
    ({ statusCode, headers: upstreamHeaders }) => {
      res.writeHead(statusCode, forwardable(upstreamHeaders));
      return res;
    },
    (error) => {
      if (!error) return;
      if (res.headersSent) res.destroy();
      else res.writeHead(502, { 'content-length': '0' }).end();
    },
  );
});
server.keepAliveTimeout = 65_000;
server.listen(setup.port, '127.0.0.1', () => reportListening(setup.port));
