import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { Agent, request } from 'undici';
import { GatewayStartError, GatewaySupervisor, type SupervisorOptions } from '../../../../main/services/gateway-supervisor/gateway-supervisor';
import { forkGatewayProcess, type GatewayProcess } from '../../../../main/services/gateway-supervisor/gateway-process';
import { startRecordingUpstream, type RecordingUpstream } from '../../../support/recording-upstream';
import { basic } from '../../../support/gateway';
import { freePort } from '../../../support/loopback-ports';
import { builtGatewayEntry } from '../../../support/built-gateway';
import type { GatewayStatus } from '../../../../main/ipc/contract';
import type { WorkspaceInput } from '../../../../gateway/config/schema';
import type { CapturedExchange } from '../../../../gateway/capture/exchange';
import { processRunning } from '../../../support/process-running';
import { startRawUpstream } from '../../../support/raw-upstream';
import type { ConnectionLogEntry } from '../../../../gateway/log/connection-log';

const SECRET = 'supervised-pw-7d1f';
let upstream: RecordingUpstream;
let entry: string;
const supervisors: GatewaySupervisor[] = [];

beforeAll(async () => {
  upstream = await startRecordingUpstream((_req, res) => setTimeout(() => res.end('ok'), 2));
  entry = await builtGatewayEntry();
});
afterAll(() => upstream.close());
afterEach(async () => {
  await Promise.all(supervisors.splice(0).map((s) => s.stop()));
});

function workspace(realm = 'one', port = 0): WorkspaceInput {
  return {
    gateway: { port },
    services: [{ name: 'svc', pathPrefix: '/svc', upstream: { url: upstream.url }, plugins: { 'basic-auth': { realm } } }],
    consumers: [{ username: 'alex', basicAuth: { password: { secret: 'alex-pw', key: 'password' } } }],
  };
}

function supervisor(spawned: GatewayProcess[] = [], port?: number, options: Partial<SupervisorOptions> = {}) {
  const s = new GatewaySupervisor({
    spawn: () => {
      const p = forkGatewayProcess(entry);
      spawned.push(p);
      return p;
    },
    collectSecrets: async () => ({ 'alex-pw': { password: SECRET } }),
    port,
    backoff: { initialMs: 100, maxMs: 1000 },
    ...options,
  });
  supervisors.push(s);
  return s;
}

const auth = { authorization: basic('alex', SECRET) };

/**
 * One authenticated request per path, all sent at once on a connection each (so that many of them end in the same
 * turn of the gateway's event loop), every answer read.
 */
async function requestAllAtOnce(base: string, paths: readonly string[]): Promise<void> {
  const agent = new Agent({ connections: paths.length });
  try {
    await Promise.all(paths.map(async (path) => (await request(`${base}${path}`, { headers: auth, dispatcher: agent })).body.dump()));
  } finally {
    await agent.close();
  }
}


describe('GatewaySupervisor with a forked gateway', () => {
  it('starts the gateway, which serves and reports traffic without credentials', async () => {
    const spawned: GatewayProcess[] = [];
    const s = supervisor(spawned);
    const traffic: unknown[] = [];
    const reported = new Promise<void>((resolve) => s.on('traffic', (e) => (traffic.push(e), resolve())));
    const status = await s.start(workspace());
    expect(status.state).toBe('running');
    const res = await request(`${status.url}/svc/x`, { headers: auth });
    expect(res.statusCode).toBe(200);
    await res.body.dump();
    await reported;
    expect(traffic).toEqual([expect.objectContaining({ path: '/svc/x', consumer: 'alex', status: 200 })]);
    expect(JSON.stringify(traffic)).not.toContain(SECRET);
    // The secret went over IPC only: not in the child's command line or environment.
    const pid = spawned[0]!.pid!;
    expect(readFileSync(`/proc/${pid}/cmdline`, 'latin1')).not.toContain(SECRET);
    expect(readFileSync(`/proc/${pid}/environ`, 'latin1')).not.toContain(SECRET);
  });

  it('reports the log entry of every request once, in batches of the requests that ended in one turn', async () => {
    const spawned: GatewayProcess[] = [];
    const s = supervisor(spawned);
    const status = await s.start(workspace());
    const batches: number[] = [];
    spawned[0]!.onMessage((message) => {
      if (message.type === 'traffic') batches.push(message.entries.length);
    });
    const paths = Array.from({ length: 40 }, (_, i) => `/svc/r${i}`);
    const reported: string[] = [];
    const allReported = new Promise<void>((resolve) =>
      s.on('traffic', (entry: { path: string }) => {
        reported.push(entry.path);
        if (reported.length === paths.length) resolve();
      }),
    );
    await requestAllAtOnce(status.url!, paths);
    await allReported;
    expect([...reported].sort()).toEqual([...paths].sort());
    // Every entry came in exactly one message, none empty.
    expect(batches.reduce((a, b) => a + b, 0)).toBe(paths.length);
    expect(batches.every((n) => n > 0)).toBe(true);
  });

  it('with capture on, hands every exchange to main once it completes, the updates of a turn in one message', async () => {
    const spawned: GatewayProcess[] = [];
    const s = supervisor(spawned);
    s.setCapture(true);
    const status = await s.start(workspace());
    const updatesPerMessage: number[] = [];
    spawned[0]!.onMessage((message) => {
      if (message.type === 'exchanges') updatesPerMessage.push(message.updates.length);
    });
    const paths = Array.from({ length: 25 }, (_, i) => `/svc/c${i}`);
    const completed = new Map<number, string>();
    let updates = 0;
    const views: string[] = [];
    const allCompleted = new Promise<void>((resolve) =>
      s.on('exchange', (exchange: CapturedExchange) => {
        updates += 1;
        views.push(JSON.stringify(exchange));
        if (exchange.state === 'complete') completed.set(exchange.id, exchange.request.target);
        if (completed.size === paths.length) resolve();
      }),
    );
    await requestAllAtOnce(status.url!, paths);
    await allCompleted;
    expect([...completed.values()].sort()).toEqual([...paths].sort());
    expect(updatesPerMessage.reduce((a, b) => a + b, 0)).toBe(updates);
    expect(updatesPerMessage.every((n) => n > 0)).toBe(true);
    // The renderer's view of an exchange has the client's credentials masked.
    for (const view of views) expect(view).not.toContain(auth.authorization.slice('Basic '.length));
  });

  it('hands main the line the gateway logs for an upstream that sends bytes after a complete response, without the bytes, with capture off (a log line, not a capture)', async () => {
    // A raw upstream: its first answer declares 2 bytes and sends more behind them; a later connection answers cleanly.
    const EXTRA = 'EXTRA-after-body-5c2e';
    let connections = 0;
    const raw = await startRawUpstream((socket) => {
      connections += 1;
      socket.write(connections === 1 ? `HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok${EXTRA}` : 'HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond');
    });
    try {
      const spawned: GatewayProcess[] = [];
      const s = supervisor(spawned);
      const messages: unknown[] = [];
      const lines: ConnectionLogEntry[] = [];
      const logged = new Promise<void>((resolve) => s.on('connection', (line) => (lines.push(line), resolve())));
      const status = await s.start({ services: [{ name: 'raw', pathPrefix: '/raw', upstream: { url: `http://127.0.0.1:${raw.port}` } }] });
      spawned[0]!.onMessage((message) => messages.push(message));
      const first = await request(`${status.url}/raw/a`);
      expect(await first.body.text()).toBe('ok');
      await logged;
      const origin = `http://127.0.0.1:${raw.port}`;
      expect(lines).toEqual([{ time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/), upstream: origin, error: 'UPSTREAM_BYTES_AFTER_RESPONSE', message: `upstream ${origin} sent bytes after a complete response; connection closed` }]);
      // The next request goes on a new connection, and says nothing more.
      const next = await request(`${status.url}/raw/b`);
      expect(await next.body.text()).toBe('second');
      expect(connections).toBe(2);
      expect(lines).toHaveLength(1);
      // Nothing the upstream sent after its answer crossed to main, in any message.
      expect(JSON.stringify(messages)).not.toContain('EXTRA');
    } finally {
      raw.close();
    }
  });

  it('restarts a crashed gateway with the reason shown, and it serves again', async () => {
    const spawned: GatewayProcess[] = [];
    const s = supervisor(spawned);
    await s.start(workspace());
    const statuses: GatewayStatus[] = [];
    const runningAgain = new Promise<void>((resolve) => s.on('status', (st) => (statuses.push(st), st.state === 'running' && resolve())));
    process.kill(spawned[0]!.pid!, 'SIGKILL');
    await runningAgain;
    const res = await request(`${s.status.url}/svc/x`, { headers: auth });
    expect(res.statusCode).toBe(200);
    await res.body.dump();
    expect(s.status.restarts).toBe(1);
    // The crash is shown (restarting, with its reason) before the new process reports running. (The request above
    // may add a status of its own, for its in-flight count: it is after the first running.)
    const untilRunning = statuses.slice(0, statuses.findIndex((st) => st.state === 'running') + 1);
    expect(untilRunning.map((st) => st.state)).toEqual([...untilRunning.slice(0, -1).map(() => 'restarting'), 'running']);
    expect(untilRunning[0]?.lastError).toMatch(/killed by SIGKILL/);
    // Once it serves again, the crash is history (the restart count keeps it), not an error beside "running".
    expect(untilRunning.at(-1)?.lastError).toBeUndefined();
    expect(spawned).toHaveLength(2);
  });

  it('shows the requests in flight while they are, and none once they end', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const slow = await startRecordingUpstream((_req, res) => void held.then(() => res.end('late')));
    try {
      const s = supervisor();
      const status = await s.start({ ...workspace(), services: [{ name: 'svc', pathPrefix: '/svc', upstream: { url: slow.url } }] });
      const counts: number[] = [];
      const seen = (n: number) => new Promise<void>((resolve) => s.on('status', (st) => (counts.push(st.inFlight), st.inFlight === n && resolve())));
      const one = seen(1);
      const pending = request(`${status.url}/svc/slow`);
      await one;
      const none = seen(0);
      release();
      await (await pending).body.dump();
      await none;
      expect(s.status.inFlight).toBe(0);
    } finally {
      release();
      await slow.close();
    }
  });

  /** A vault read that waits until the test lets it answer (a keyring asking to be unlocked, say). */
  function heldSecrets() {
    let calls = 0;
    let hold: { called: () => void; answer: Promise<void> } | undefined;
    let answer!: () => void;
    return {
      collect: async () => {
        calls += 1;
        if (hold) {
          hold.called();
          await hold.answer;
        }
        return { 'alex-pw': { password: SECRET } };
      },
      /** The next reads wait; resolves the returned promise when one has begun. */
      holdNext(): Promise<void> {
        return new Promise<void>((called) => {
          hold = { called, answer: new Promise<void>((resolve) => (answer = resolve)) };
        });
      },
      release() {
        hold = undefined;
        answer();
      },
      get calls() {
        return calls;
      },
    };
  }

  function supervisorWith(secrets: ReturnType<typeof heldSecrets>, spawned: GatewayProcess[], port?: number) {
    const s = new GatewaySupervisor({
      spawn: () => {
        const p = forkGatewayProcess(entry);
        spawned.push(p);
        return p;
      },
      collectSecrets: secrets.collect,
      port,
      backoff: { initialMs: 1, maxMs: 1 },
    });
    supervisors.push(s);
    return s;
  }

  it('stopped while a restart reads the secrets, it starts no gateway: none is left running', async () => {
    const secrets = heldSecrets();
    const spawned: GatewayProcess[] = [];
    const s = supervisorWith(secrets, spawned);
    await s.start(workspace());
    const reading = secrets.holdNext();
    process.kill(spawned[0]!.pid!, 'SIGKILL');
    await reading; // the automatic restart waits for the vault
    await s.stop();
    secrets.release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(spawned).toHaveLength(1);
    expect(s.status).toMatchObject({ state: 'stopped', lastError: expect.stringMatching(/killed by SIGKILL/) });
  });

  it('restarted by hand while a restart reads the secrets, it runs one gateway, which stop ends', async () => {
    const secrets = heldSecrets();
    const spawned: GatewayProcess[] = [];
    const port = await freePort();
    const s = supervisorWith(secrets, spawned, port);
    await s.start(workspace('one', port));
    const reading = secrets.holdNext();
    process.kill(spawned[0]!.pid!, 'SIGKILL');
    await reading;
    // What the app's Restart does: stop, then start (its own vault read is not held).
    await s.stop();
    const restarted = s.start(workspace('one', port));
    secrets.release();
    const status = await restarted;
    await new Promise((resolve) => setImmediate(resolve));
    expect(status.state).toBe('running');
    expect(spawned).toHaveLength(2);
    const res = await request(`${status.url}/svc/x`, { headers: auth });
    expect(res.statusCode).toBe(200);
    await res.body.dump();
    await s.stop();
    expect(spawned.map((p) => processRunning(p.pid!))).toEqual([false, false]);
  });

  it('hot-reloads under load with zero failed requests', async () => {
    const s = supervisor();
    const status = await s.start(workspace('gen-0'));
    const agent = new Agent({ connections: 8 });
    let stop = false;
    // Every answer (or transport error), and a way to wait until `n` more have come in: reloads are paced by
    // answered requests, not by the clock, so each one lands while requests are in flight however busy the machine is.
    const outcomes: Array<number | string> = [];
    let waiter: { count: number; resolve: () => void } | undefined;
    const answered = (outcome: number | string) => {
      outcomes.push(outcome);
      if (waiter && outcomes.length >= waiter.count) waiter.resolve();
    };
    const moreAnswers = (n: number) => new Promise<void>((resolve) => (waiter = { count: outcomes.length + n, resolve }));
    const worker = async () => {
      while (!stop) {
        try {
          const res = await request(`${status.url}/svc/x`, { dispatcher: agent, headers: auth });
          await res.body.dump();
          answered(res.statusCode);
        } catch (error) {
          answered((error as Error).message);
        }
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    for (let i = 1; i <= 10; i++) {
      await moreAnswers(20);
      expect(await s.reload(workspace(`gen-${i}`))).toEqual({ ok: true, leftOut: [] });
    }
    await moreAnswers(20);
    stop = true;
    await Promise.all(workers);
    await agent.close();
    expect(outcomes.filter((o) => o !== 200)).toEqual([]);
    const challenge = await request(`${status.url}/svc/x`);
    expect(challenge.headers['www-authenticate']).toContain('realm="gen-10"');
  });

  it('refuses an invalid reload with field errors and keeps serving', async () => {
    const s = supervisor();
    const status = await s.start(workspace());
    const result = await s.reload({ services: [{ name: 'svc', upstream: { url: 'nope' } }] });
    if (result.ok) throw new Error('expected the reload to be refused');
    expect(result.errors[0]?.path).toBe('services[0].upstream.url');
    expect(s.status.served).toMatchObject({ config: 'older', errors: [{ path: 'services[0].upstream.url' }] });
    expect((await request(`${status.url}/svc/x`, { headers: auth })).statusCode).toBe(200);
  });

  it('reports a busy port as a clear error naming the port, without restarting', async () => {
    const blocker = createServer().listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const port = (blocker.address() as { port: number }).port;
    try {
      const s = supervisor([], port);
      const error = await s.start(workspace()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GatewayStartError);
      expect(error).toMatchObject({ code: 'GATEHOUSE_PORT_IN_USE', message: `port ${port} on 127.0.0.1 is already in use` });
      expect(s.status).toMatchObject({ state: 'failed', restarts: 0 });
    } finally {
      blocker.close();
    }
  });

  it('reports a host that is not this machine\'s in words, naming host and port, without restarting', async () => {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never one of a machine's own addresses.
    const s = supervisor([], 0);
    const error = await s.start({ ...workspace(), gateway: { host: '192.0.2.1' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayStartError);
    expect(error).toMatchObject({ code: 'GATEHOUSE_CANNOT_LISTEN', message: "cannot listen on 192.0.2.1 port 0: the address is not one of this machine's (EADDRNOTAVAIL)" });
    expect(s.status).toMatchObject({ state: 'failed', restarts: 0, lastError: "cannot listen on 192.0.2.1 port 0: the address is not one of this machine's (EADDRNOTAVAIL)" });
  });

  it('leaves no orphan process after stop', async () => {
    const spawned: GatewayProcess[] = [];
    const s = supervisor(spawned);
    await s.start(workspace());
    const pid = spawned[0]!.pid!;
    expect(processRunning(pid)).toBe(true);
    await s.stop();
    expect(processRunning(pid)).toBe(false);
    expect(s.status.state).toBe('stopped');
  });
});

describe('GatewaySupervisor with a workspace it can serve only in part', () => {
  it('serves everything else, says which item it left out and why, and serves it once its secret exists', async () => {
    let secrets: Record<string, Record<string, string>> = {};
    const s = new GatewaySupervisor({ spawn: () => forkGatewayProcess(entry), collectSecrets: async () => secrets, backoff: { initialMs: 100, maxMs: 1000 } });
    supervisors.push(s);
    const ws = workspace();
    ws.services!.push({ name: 'erp', pathPrefix: '/erp', upstream: { url: upstream.url }, endpointSecurity: { type: 'basic', secret: 'erp-creds' } });
    const status = await s.start(ws);
    expect(status.state).toBe('running');
    expect(status.served).toEqual({
      config: 'saved',
      leftOut: [
        { kind: 'consumer', path: 'consumers[0]', name: 'alex', message: expect.stringMatching(/^consumer "alex": secret "alex-pw" not found/), secret: { name: 'alex-pw' } },
        { kind: 'service', path: 'services[1]', name: 'erp', message: expect.stringMatching(/^service "erp": secret "erp-creds" not found/), secret: { name: 'erp-creds' } },
      ],
    });
    // The service is served; the left-out consumer is an unknown caller, the left-out service answers why.
    const before = await request(`${status.url}/svc/x`, { headers: auth });
    expect(before.statusCode).toBe(401);
    await before.body.dump();
    const erp = await request(`${status.url}/erp/x`);
    expect(erp.statusCode).toBe(503);
    expect(await erp.body.json()).toEqual({ message: expect.stringMatching(/^Service erp is not served: service "erp": secret "erp-creds" not found/) });
    secrets = { 'alex-pw': { password: SECRET }, 'erp-creds': { username: 'u', password: 'p' } };
    expect(await s.reload(ws)).toEqual({ ok: true, leftOut: [] });
    expect(s.status.served).toEqual({ config: 'saved', leftOut: [] });
    expect((await request(`${status.url}/svc/x`, { headers: auth })).statusCode).toBe(200);
    expect((await request(`${status.url}/erp/x`)).statusCode).toBe(200);
  });

  it('says a reload goes unanswered, kills a gateway that does not answer it, says why, and restarts it with the workspace asked for', async () => {
    const spawned: GatewayProcess[] = [];
    const s = supervisor(spawned, undefined, { startTimeoutMs: 2000, notAnsweringAfterMs: 10, backoff: { initialMs: 10, maxMs: 10 } });
    await s.start(workspace('one'));
    const statuses: GatewayStatus[] = [];
    s.on('status', (st) => statuses.push(st));
    const before = Date.now();
    process.kill(spawned[0]!.pid!, 'SIGSTOP'); // hung: it reads no message
    // Every later save waits for this one: a hung gateway must not hold them for good.
    const result = await s.reload(workspace('two'));
    const cause = 'the gateway did not answer a reload for 2 s and was killed';
    expect(result).toEqual({ ok: false, errors: [{ path: '(gateway)', message: cause }] });
    await expect.poll(() => s.status).toMatchObject({ state: 'running', served: { config: 'saved' } });
    // Running, then running with the reload unanswered (no longer plain "running"), then restarting for that
    // cause, said as the supervisor's own kill, and running again, the unanswered reload gone with the process.
    const unanswered = statuses.findIndex((st) => st.unansweredReload);
    const restarting = statuses.findIndex((st) => st.state === 'restarting');
    expect(statuses[unanswered]).toMatchObject({ state: 'running' });
    expect(statuses[unanswered]!.unansweredReload!.sentAt).toBeGreaterThanOrEqual(before);
    expect(statuses.slice(0, unanswered).every((st) => st.state === 'running' && !st.unansweredReload)).toBe(true);
    expect(restarting).toBeGreaterThan(unanswered);
    expect(statuses[restarting]).toMatchObject({ lastError: `${cause}; restarting in 10 ms`, restarts: 1 });
    expect(statuses[restarting]!.unansweredReload).toBeUndefined();
    expect(statuses.slice(restarting).some((st) => st.unansweredReload)).toBe(false);
    const res = await request(`${s.status.url}/svc/x`);
    await res.body.dump();
    expect(res.headers['www-authenticate']).toContain('realm="two"');
    expect(spawned).toHaveLength(2);
  });

  it('says a reload goes unanswered while a stopped gateway does not answer, and no longer once it answers', async () => {
    const spawned: GatewayProcess[] = [];
    const s = supervisor(spawned, undefined, { notAnsweringAfterMs: 10 });
    await s.start(workspace('one'));
    const pid = spawned[0]!.pid!;
    const statuses: GatewayStatus[] = [];
    // Continued once the status says it does not answer: its answer then comes, late.
    s.on('status', (st) => (statuses.push(st), st.unansweredReload && process.kill(pid, 'SIGCONT')));
    process.kill(pid, 'SIGSTOP');
    expect(await s.reload(workspace('two'))).toEqual({ ok: true, leftOut: [] });
    const unanswered = statuses.findIndex((st) => st.unansweredReload);
    expect(unanswered).toBeGreaterThanOrEqual(0);
    expect(statuses.slice(unanswered + 1).some((st) => st.unansweredReload)).toBe(false);
    expect(s.status).toMatchObject({ state: 'running', restarts: 0, served: { config: 'saved' } });
    expect(s.status.unansweredReload).toBeUndefined();
    expect(s.status.lastError).toBeUndefined();
    expect(spawned).toHaveLength(1);
  });

  it('says it serves an older workspace when it refuses a new one as a whole', async () => {
    const s = supervisor();
    await s.start(workspace());
    await s.reload({ services: [{ name: 'svc', upstream: { url: 'nope' } }] });
    expect(s.status.served.config).toBe('older');
    await s.reload(workspace('two'));
    expect(s.status.served).toEqual({ config: 'saved', leftOut: [] });
  });
});
