// Try it in the app against a backend that answers `100 Continue` unasked and then its real answer: the gateway
// relays the 100 (RFC 9110 §15.2) and Try it's own client, undici as the gateway's, reads it as the 1xx it is and
// shows the final answer (gateway/proxy/unasked-informational-answers.ts, loaded in main through the modules Try it
// shares with the gateway). Without that, undici refused the relayed 100 and Try it showed a broken connection. The
// whole main side in plain Node, a real forked gateway, a raw upstream.
import { afterEach, describe, expect, it } from 'vitest';
import { startAppWithRawUpstream, type AppWithRawUpstream } from '../../support/app-raw-upstream';
import type { TryItResponse } from '../../../main/ipc/contract';

let app: AppWithRawUpstream | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('Try it, through the gateway, to a backend that sends 100 Continue unasked', () => {
  it('shows the final answer', async () => {
    app = await startAppWithRawUpstream((socket) => socket.end('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok'));
    const answer = await app.harness.call<TryItResponse>('tryit:send', { method: 'GET', path: '/raw/a', headers: [] });
    expect(answer.status).toBe(200);
    expect(Buffer.from(answer.body.base64, 'base64').toString()).toBe('ok');
    expect(answer.cutShort).toBeUndefined();
  });
});
