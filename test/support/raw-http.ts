import { connect } from 'node:net';

/** Sends bytes exactly as given (for duplicate headers and framing cases) and returns the raw answer. */
export function rawRequest(port: number, request: string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(data);
    }, timeoutMs);
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
      if (/\r\n\r\n/.test(data)) {
        const m = /content-length: (\d+)/i.exec(data);
        const bodyStart = data.indexOf('\r\n\r\n') + 4;
        const chunkedDone = !m && /transfer-encoding: chunked/i.test(data) && data.endsWith('0\r\n\r\n');
        if ((m && data.length - bodyStart >= Number(m[1])) || chunkedDone) {
          clearTimeout(timer);
          socket.end();
          resolve(data);
        }
      }
    });
    socket.on('end', () => {
      clearTimeout(timer);
      resolve(data);
    });
    socket.on('error', reject);
    socket.write(request);
  });
}

export function statusOf(raw: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0);
}

export function bodyOf(raw: string): string {
  return raw.slice(raw.indexOf('\r\n\r\n') + 4);
}
