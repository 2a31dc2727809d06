import { connect, type Socket } from 'node:net';
import { once } from 'node:events';

export interface RawResponse {
  status: number;
  /** Lower-cased names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: string;
}

/**
 * One client connection writing bytes exactly as given and reading HTTP/1.1 responses off it one by one, so a test
 * can send a hostile request and then check the next request on the same connection.
 */
export class RawConnection {
  readonly socket: Socket;
  #buffer = Buffer.alloc(0);
  #ended = false;
  #waiters: (() => void)[] = [];
  /** Resolves when the server closed its side (FIN or reset). */
  readonly closed: Promise<void>;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#wake();
    });
    this.closed = new Promise((resolve) => {
      const done = () => {
        this.#ended = true;
        this.#wake();
        resolve();
      };
      socket.once('end', done);
      socket.once('close', done);
    });
    socket.on('error', () => undefined); // a reset shows as `closed`
  }

  static async open(port: number, localAddress?: string): Promise<RawConnection> {
    const socket = connect({ port, host: '127.0.0.1', ...(localAddress ? { localAddress } : {}) });
    await once(socket, 'connect');
    return new RawConnection(socket);
  }

  get serverClosed(): boolean {
    return this.#ended;
  }

  write(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  #wake(): void {
    for (const waiter of this.#waiters.splice(0)) waiter();
  }

  async #waitForData(deadline: number | undefined): Promise<boolean> {
    if (this.#ended) return false;
    const remaining = deadline === undefined ? undefined : deadline - Date.now();
    if (remaining !== undefined && remaining <= 0) return false;
    await new Promise<void>((resolve) => {
      const timer = remaining === undefined ? undefined : setTimeout(resolve, remaining);
      this.#waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    return true;
  }

  /**
   * The next complete response, or undefined when the connection ends before one arrives. Tests wait without a
   * deadline (a hang is the test timeout's to catch); `timeoutMs` is for tools that must give up, like the soak.
   */
  async response(timeoutMs?: number, { head = false } = {}): Promise<RawResponse | undefined> {
    const deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
    for (;;) {
      const parsed = parseResponse(this.#buffer, head, this.#ended);
      if (parsed) {
        this.#buffer = this.#buffer.subarray(parsed.consumed);
        return parsed.response;
      }
      if (!(await this.#waitForData(deadline))) {
        const last = parseResponse(this.#buffer, head, true);
        if (last) this.#buffer = this.#buffer.subarray(last.consumed);
        return last?.response;
      }
    }
  }

  /** Everything received and not yet parsed. */
  get pending(): string {
    return this.#buffer.toString('latin1');
  }

  close(): void {
    this.socket.destroy();
  }
}

function parseResponse(buffer: Buffer, head: boolean, ended: boolean): { response: RawResponse; consumed: number } | undefined {
  const end = buffer.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const lines = buffer.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0]!)?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  let offset = end + 4;
  if (head || status === 204 || status === 304 || (status >= 100 && status < 200)) return { response: { status, headers, body: '' }, consumed: offset };
  if (headers['content-length'] !== undefined) {
    const length = Number(headers['content-length']);
    if (buffer.length - offset < length) return undefined;
    return { response: { status, headers, body: buffer.subarray(offset, offset + length).toString('utf8') }, consumed: offset + length };
  }
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
    const parts: Buffer[] = [];
    for (;;) {
      const lineEnd = buffer.indexOf('\r\n', offset);
      if (lineEnd < 0) return undefined;
      const size = parseInt(buffer.subarray(offset, lineEnd).toString('latin1'), 16);
      if (Number.isNaN(size)) return undefined;
      offset = lineEnd + 2;
      if (size === 0) {
        const trailerEnd = buffer.indexOf('\r\n', offset);
        if (trailerEnd < 0) return undefined;
        return { response: { status, headers, body: Buffer.concat(parts).toString('utf8') }, consumed: trailerEnd + 2 };
      }
      if (buffer.length < offset + size + 2) return undefined;
      parts.push(buffer.subarray(offset, offset + size));
      offset += size + 2;
    }
  }
  // Delimited by the end of the connection.
  if (!ended) return undefined;
  return { response: { status, headers, body: buffer.subarray(offset).toString('utf8') }, consumed: buffer.length };
}
