import type { ServerResponse, OutgoingHttpHeaders } from 'node:http';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: OutgoingHttpHeaders = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // A Buffer, not a string: Node writes the head in a string body's encoding (UTF-8), and header values here are
  // Latin-1 strings standing for bytes (a UTF-8 realm in WWW-Authenticate, see auth/basic-auth.ts).
  const payload = Buffer.from(JSON.stringify(body), 'utf8');
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': payload.length,
  });
  res.end(payload);
}

export function sendMessage(res: ServerResponse, status: number, message: string, headers?: OutgoingHttpHeaders): void {
  sendJson(res, status, { message }, headers);
}
