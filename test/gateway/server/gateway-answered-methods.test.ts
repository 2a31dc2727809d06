// TRACE and an OPTIONS at the end of its Max-Forwards are answered by the gateway; the backend (which gets the
// gateway's credentials for it) never sees them. Other OPTIONS go on with one forward fewer (RFC 9110 §7.6.2).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecordingUpstream, type RecordingUpstream } from '../../support/recording-upstream';
import { startTestGateway, type TestGateway } from '../../support/gateway';
import { RawConnection } from '../../support/raw-connection';

const BACKEND_PASSWORD = 'backend-trace-secret-7';
let upstream: RecordingUpstream;
let gateway: TestGateway;

beforeAll(async () => {
  upstream = await startRecordingUpstream();
  gateway = await startTestGateway(
    { services: [{ name: 'erp', pathPrefix: '/erp', upstream: { url: upstream.url }, endpointSecurity: { type: 'basic', secret: 'erp-basic' } }] },
    { 'erp-basic': { username: 'svc', password: BACKEND_PASSWORD } },
  );
});

afterAll(async () => {
  await gateway.close();
  await upstream.close();
});

const injected = Buffer.from(`svc:${BACKEND_PASSWORD}`).toString('base64');

async function exchange(head: string): Promise<{ status: number; headers: Record<string, string>; body: string; next: number }> {
  const connection = await RawConnection.open(gateway.port);
  try {
    connection.write(`${head}\r\n\r\nGET /erp/after HTTP/1.1\r\nHost: gw.test\r\n\r\n`);
    const answer = (await connection.response())!;
    // The connection goes on: the request behind it is forwarded as usual.
    const next = (await connection.response())!;
    return { ...answer, next: next.status };
  } finally {
    connection.close();
  }
}

describe('TRACE', () => {
  it('is answered 501 by the gateway with its reason, never forwarded with the backend credentials', async () => {
    const before = upstream.requests.length;
    const answer = await exchange('TRACE /erp/echo HTTP/1.1\r\nHost: gw.test\r\nMax-Forwards: 3');
    expect(answer.status).toBe(501);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(answer.body)).toEqual({ message: 'TRACE is not forwarded: the backend would echo the credentials the gateway adds for it' });
    expect(answer.body).not.toContain(injected);
    expect(answer.next).toBe(200);
    expect(upstream.requests.slice(before).map((r) => `${r.method} ${r.url}`)).toEqual(['GET /after']);
    // The forwarded request did carry the credentials: the TRACE would have echoed them.
    expect(upstream.requests.at(-1)!.headers.authorization).toBe(`Basic ${injected}`);
    const logged = gateway.logs.find((e) => e.method === 'TRACE')!;
    expect(logged).toMatchObject({ status: 501, error: 'TRACE_NOT_FORWARDED', service: null });
  });

  it('TRACK (IIS\'s TRACE) never reaches the backend either', async () => {
    const before = upstream.requests.length;
    const connection = await RawConnection.open(gateway.port);
    connection.write('TRACK /erp/echo HTTP/1.1\r\nHost: gw.test\r\n\r\n');
    const answer = (await connection.response())!;
    connection.close();
    expect(answer.status).toBe(400);
    expect(answer.body).not.toContain(injected);
    expect(upstream.requests.length).toBe(before);
  });
});

describe('OPTIONS with Max-Forwards', () => {
  it('0 (any number of zeros): answered 200 by the gateway, not forwarded', async () => {
    for (const zero of ['0', '000']) {
      const before = upstream.requests.length;
      const answer = await exchange(`OPTIONS /erp/items HTTP/1.1\r\nHost: gw.test\r\nMax-Forwards: ${zero}`);
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toEqual({ message: 'Max-Forwards is 0: the gateway answers this OPTIONS request itself and does not forward it' });
      expect(answer.next).toBe(200);
      expect(upstream.requests.slice(before).map((r) => r.url)).toEqual(['/after']);
    }
  });

  it('above 0: forwarded with one forward fewer', async () => {
    const before = upstream.requests.length;
    const answer = await exchange('OPTIONS /erp/items HTTP/1.1\r\nHost: gw.test\r\nMax-Forwards: 1');
    expect(answer.status).toBe(200);
    const forwarded = upstream.requests[before]!;
    expect(forwarded.method).toBe('OPTIONS');
    expect(forwarded.headers['max-forwards']).toBe('0');
  });

  it('without it, or not a number: forwarded as sent', async () => {
    const before = upstream.requests.length;
    await exchange('OPTIONS /erp/items HTTP/1.1\r\nHost: gw.test');
    await exchange('OPTIONS /erp/items HTTP/1.1\r\nHost: gw.test\r\nMax-Forwards: -1');
    const [plain, , odd] = upstream.requests.slice(before);
    expect(plain!.headers['max-forwards']).toBeUndefined();
    expect(odd!.headers['max-forwards']).toBe('-1');
  });

  it('other methods keep Max-Forwards as sent, 0 included', async () => {
    const before = upstream.requests.length;
    await exchange('GET /erp/items HTTP/1.1\r\nHost: gw.test\r\nMax-Forwards: 0');
    expect(upstream.requests[before]!.headers['max-forwards']).toBe('0');
  });
});
