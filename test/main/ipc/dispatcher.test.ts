import { afterEach, describe, expect, it, vi } from 'vitest';
import { createIpcDispatcher, type IpcHandlers } from '../../../main/ipc/dispatcher';

// A handler's bug (an error that is not a GatehouseError): the window gets a generic message, main's log the
// error's class, code and stack frames, never its message, which can quote request data or a secret.
const SECRET = 'pw-in-a-message-5e1d';

function failingHandlers(): IpcHandlers {
  const fail = async () => {
    throw Object.assign(new TypeError(`cannot read ${SECRET}`), { code: 'ERR_SOMETHING' });
  };
  return new Proxy({}, { get: () => fail }) as IpcHandlers;
}

afterEach(() => vi.restoreAllMocks());

describe('a handler that fails with a bug', () => {
  it('answers a generic message and writes the class, code and frames to stderr, not the message', async () => {
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
    const dispatch = createIpcDispatcher(failingHandlers());
    const envelope = await dispatch('gateway:status', undefined);
    expect(envelope).toEqual({ ok: false, error: { code: 'GATEHOUSE_INTERNAL', message: 'Internal error in the main process (details are in its log)' } });
    expect(written).toHaveLength(1);
    const [line, ...frames] = written[0]!.trimEnd().split('\n');
    expect(line).toBe('gatehouse main: gateway:status failed: TypeError (ERR_SOMETHING)');
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.every((frame) => /^\s+at /.test(frame))).toBe(true);
    expect(written.join('')).not.toContain(SECRET);
  });

  it('hands the channel and the error to a reporter the app gives', async () => {
    const reported: [string, unknown][] = [];
    const dispatch = createIpcDispatcher(failingHandlers(), (channel, error) => reported.push([channel, error]));
    await dispatch('gateway:status', undefined);
    expect(reported).toEqual([['gateway:status', expect.any(TypeError)]]);
  });
});
