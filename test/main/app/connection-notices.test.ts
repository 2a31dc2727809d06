// The gateway's lines about upstream connections rather than requests (an upstream's bytes after a complete
// response) as the app's Traffic screen gets them: from the forked gateway through the supervisor to main, checked
// there, kept (the last 100), pushed to the window and cleared with the traffic. First against the real app side
// and a raw upstream that misbehaves; then main's check and bounds with a stand-in supervisor.
import { EventEmitter } from 'node:events';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startAppWithRawUpstream, type AppWithRawUpstream } from '../../support/app-raw-upstream';
import { ConnectionLineRefused, trafficHandlers } from '../../../main/app/traffic-handlers';
import type { AppContext } from '../../../main/app/app-context';
import type { ConnectionNoticesUpdate, MainEvent, MainEvents, TrafficList } from '../../../main/ipc/contract';

/** Bytes to look for where they must not be: the excess the upstream sends after its answer. */
const EXTRA = 'EXTRA-secret-token-9f4b';

let app: AppWithRawUpstream | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('connection notices in the app, from a real gateway', () => {
  it('an upstream that sends bytes after its Content-Length body: main pushes one notice naming its origin, lists it, and Clear removes it', async () => {
    let connections = 0;
    app = await startAppWithRawUpstream((socket) => {
      connections += 1;
      socket.write(connections === 1 ? `HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok${EXTRA}` : 'HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond');
    });
    const { harness, upstream } = app;
    // From here on: the workspace is served, and nothing about the upstream's answers has been said yet.
    const events: { event: string; payload: unknown }[] = [];
    const pushed: ConnectionNoticesUpdate[] = [];
    let notified: () => void = () => undefined;
    const noticePushed = new Promise<void>((resolve) => (notified = resolve));
    harness.app.onEvent(<E extends MainEvent>(event: E, payload: MainEvents[E]) => {
      events.push({ event, payload });
      if (event === 'connection-notices') {
        pushed.push(payload as ConnectionNoticesUpdate);
        notified();
      }
    });

    const answer = await request(`${harness.app.gatewayStatus().url}/raw/a`);
    expect(answer.statusCode).toBe(200);
    expect(await answer.body.text()).toBe('ok');
    await noticePushed;

    const origin = `http://127.0.0.1:${upstream.port}`;
    const notice = {
      id: expect.any(Number), time: expect.any(String), upstream: origin, error: 'UPSTREAM_BYTES_AFTER_RESPONSE',
      message: `upstream ${origin} sent bytes after a complete response; connection closed`, repeats: 1, firstTime: expect.any(String),
    };
    expect(pushed).toEqual([{ notices: [notice] }]);
    const listed = await harness.call<TrafficList>('traffic:list');
    expect(listed.notices).toEqual([notice]);
    // The request itself is a row of its own, as before.
    await expect.poll(async () => (await harness.call<TrafficList>('traffic:list')).exchanges.map((row) => [row.target, row.status])).toEqual([['/raw/a', 200]]);

    const cleared = await harness.call<TrafficList>('traffic:clear');
    expect(cleared.notices).toEqual([]);
    expect(cleared.exchanges).toEqual([]);
    expect((await harness.call<TrafficList>('traffic:list')).notices).toEqual([]);

    // Nothing the upstream sent after its answer reached anything main tells the window.
    expect(JSON.stringify([events, listed])).not.toContain('EXTRA');
  });
});

/** main's traffic handlers on a stand-in supervisor: the lines are what a gateway process would hand over. */
function standIn() {
  const supervisor = Object.assign(new EventEmitter(), { capturing: true, setCapture: () => undefined, status: {} });
  const pushes: ConnectionNoticesUpdate[] = [];
  const refused: { channel: string; error: unknown }[] = [];
  const handlers = trafficHandlers({ supervisor } as unknown as AppContext, {
    onExchanges: () => undefined,
    onConnectionNotices: (update) => pushes.push(update),
    reportInternalError: (channel, error) => refused.push({ channel, error }),
  });
  const arrive = (line: unknown) => supervisor.emit('connection', line);
  const list = () => handlers['traffic:list'](undefined as never);
  return { handlers, pushes, refused, arrive, list };
}

const ORIGIN = 'http://127.0.0.1:8081';
const line = (patch: Record<string, unknown> = {}) => ({
  time: '2026-12-02T03:34:14.125Z',
  upstream: ORIGIN,
  error: 'UPSTREAM_BYTES_AFTER_RESPONSE',
  message: `upstream ${ORIGIN} sent bytes after a complete response; connection closed`,
  ...patch,
});

const OTHER = { upstream: 'https://[::1]:8443', message: 'upstream https://[::1]:8443 sent bytes after a complete response; connection closed' };

describe('connection notices in main: the check before the window sees a line', () => {
  it('passes a line as the gateway writes it, with an id, pushing the lines of one turn together in the order they came', async () => {
    const { pushes, arrive, list } = standIn();
    arrive(line());
    arrive(line(OTHER));
    expect(pushes).toEqual([]);
    await nextTurn();
    expect(pushes).toEqual([{ notices: [{ ...line(), id: 1, repeats: 1, firstTime: line().time }, expect.objectContaining({ id: 2, upstream: 'https://[::1]:8443' })] }]);
    expect((await list()).notices.map((n) => n.id)).toEqual([2, 1]);
  });

  const WRONG: [string, Record<string, unknown>, string][] = [
    ['an upstream with a path', { upstream: `${ORIGIN}/api/v1` }, 'upstream'],
    ['an upstream with a user and password', { upstream: 'http://admin:hunter2@127.0.0.1:8081' }, 'upstream'],
    ['an upstream that is not http(s)', { upstream: 'file:///etc/passwd' }, 'upstream'],
    ['an error code the gateway does not log', { error: 'SOMETHING_ELSE' }, 'error'],
    ['a message over more than one line', { message: `upstream ${ORIGIN} sent\r\nHTTP/1.1 200 OK` }, 'message'],
    ['a message with a byte outside printable ASCII', { message: `upstream ${ORIGIN} sent \u0000\u00ff` }, 'message'],
    ['an overlong message', { message: 'x'.repeat(401) }, 'message'],
    ['a time that is not one', { time: 'yesterday' }, 'time'],
    ['a field more (the bytes, say)', { bytes: EXTRA }, '(line)'],
  ];
  for (const [what, patch, field] of WRONG) {
    it(`refuses ${what}: nothing kept or pushed, main's log told the field only`, async () => {
      const { pushes, refused, arrive, list } = standIn();
      arrive(line(patch));
      await nextTurn();
      expect(pushes).toEqual([]);
      expect((await list()).notices).toEqual([]);
      expect(refused).toEqual([{ channel: `gateway connection line (${field})`, error: expect.any(ConnectionLineRefused) }]);
      const error = refused[0]!.error as ConnectionLineRefused;
      expect(error.fields).toEqual([field]);
      // Named, never quoted: none of the line's values reach main's log.
      expect(`${error.message} ${JSON.stringify(error)}`).not.toMatch(/hunter2|EXTRA|passwd|SOMETHING_ELSE|HTTP\/1\.1|yesterday|api\/v1/);
    });
  }

  it('keeps the last 100, newest first, and counts on across them', async () => {
    const { pushes, arrive, list } = standIn();
    // Two upstreams in turn: no line says what the one before it said, so none is folded.
    for (let i = 0; i < 130; i++) arrive(i % 2 === 0 ? line() : line(OTHER));
    await nextTurn();
    const listed = (await list()).notices;
    expect(listed).toHaveLength(100);
    expect(listed[0]!.id).toBe(130);
    expect(listed.at(-1)!.id).toBe(31);
    // The push leaves out the 30 let go before it went.
    expect(pushes.flatMap((p) => p.notices).map((n) => n.id)).toEqual(Array.from({ length: 100 }, (_, i) => i + 31));
  });

  it('folds a line that says what the newest notice says into it, under a new id, with the count and the first time', async () => {
    const { pushes, arrive, list } = standIn();
    arrive(line({ time: '2026-12-02T03:34:14.000Z' }));
    await nextTurn();
    arrive(line({ time: '2026-12-02T03:34:15.000Z' }));
    arrive(line({ time: '2026-12-02T03:34:16.000Z' }));
    await nextTurn();
    const folded = { ...line({ time: '2026-12-02T03:34:16.000Z' }), id: 3, repeats: 3, firstTime: '2026-12-02T03:34:14.000Z' };
    // The second push has the fold only: notice 2, folded within the turn, is gone before it.
    expect(pushes.map((p) => p.notices)).toEqual([[{ ...line({ time: '2026-12-02T03:34:14.000Z' }), id: 1, repeats: 1, firstTime: '2026-12-02T03:34:14.000Z' }], [folded]]);
    expect((await list()).notices).toEqual([folded]);
    // Another upstream's line stands on its own, and the first's next line is a notice of its own after it.
    arrive(line(OTHER));
    arrive(line({ time: '2026-12-02T03:34:17.000Z' }));
    await nextTurn();
    expect((await list()).notices.map((n) => [n.id, n.upstream, n.repeats])).toEqual([[5, ORIGIN, 1], [4, OTHER.upstream, 1], [3, ORIGIN, 3]]);
  });

  it('Clear removes them, and a notice cleared before its push is not pushed', async () => {
    const { handlers, pushes, arrive, list } = standIn();
    arrive(line());
    await nextTurn();
    // Folded into notice 1, which it replaces as 2; cleared before its push.
    arrive(line());
    expect((await handlers['traffic:clear'](undefined as never)).notices).toEqual([]);
    await nextTurn();
    expect(pushes.map((p) => p.notices.map((n) => n.id))).toEqual([[1]]);
    arrive(line());
    await nextTurn();
    expect(pushes.at(-1)!.notices.map((n) => n.id)).toEqual([3]);
    // Nothing is folded into a cleared notice: the line after Clear counts from one.
    expect((await list()).notices.map((n) => [n.id, n.repeats])).toEqual([[3, 1]]);
  });
});
