// The upstream every benchmark path reaches: a small JSON answer, keep-alive, in its own process.
import { createServer } from 'node:http';

const body = JSON.stringify({ ok: true, service: 'bench-upstream', items: [1, 2, 3] });
const server = createServer((req, res) => {
  req.resume();
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as { port: number }).port });
});
process.on('disconnect', () => process.exit(0));
