// Try it shows the body of its own exchange as the gateway captured it (credential values masked), found by the
// port of the connection it sent on: not another client's exchange that looks the same. Until 2 Dec the match was
// by method, target, status and body size, and this test's second client, whose request and answer share all four,
// gave Try it its body. The whole main side in plain Node with a real forked gateway and a real upstream.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAppServices, type AppServices } from '../../../main/app/app-services';
import { forkGatewayProcess } from '../../../main/services/gateway-supervisor/gateway-process';
import { builtGatewayEntry } from '../../support/built-gateway';
import type { IpcEnvelope, TryItResponse } from '../../../main/ipc/contract';

let dataDir: string;
let app: AppServices;
let upstream: Server;
/** Requests the upstream holds until the test answers them, in order of arrival. */
const held: { res: ServerResponse; arrived: IncomingMessage }[] = [];
let onHeld: (() => void) | undefined;

async function call<T>(channel: string, payload?: unknown): Promise<T> {
  const envelope = (await app.dispatch(channel, payload)) as IpcEnvelope<T>;
  if (!envelope.ok) throw Object.assign(new Error(envelope.error.message), envelope.error);
  return envelope.value;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-tryit-own-'));
  // The first request is held; any later one is answered at once. Both answers are the same size.
  upstream = createServer((req, res) => {
    if (held.length === 0) {
      held.push({ res, arrived: req });
      onHeld?.();
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end('{"who":"other"}');
  }).listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  const entry = await builtGatewayEntry();
  app = await createAppServices({ dataDir, spawnGateway: () => forkGatewayProcess(entry), gatewayPort: 0, keychainService: `Gatehouse-test-tryit-${process.pid}` });
  await app.startGateway();
  await call('workspace:save', { services: [{ name: 'echo', pathPrefix: '/echo', upstream: { url: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` } }] });
});

afterAll(async () => {
  await app?.shutdown();
  upstream?.closeAllConnections();
  upstream?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('Try it finds its own exchange by its connection', () => {
  it('and not another client\'s with the same method, target, status and size that completed first', async () => {
    const status = await call<{ url: string }>('gateway:status');
    const heldNow = new Promise<void>((resolve) => (onHeld = resolve));
    const tryIt = call<TryItResponse>('tryit:send', { method: 'GET', path: '/echo/same', headers: [] });
    await heldNow;

    // Another client, same request, answered (and its exchange captured) while Try it's request is held upstream.
    const other = await new Promise<string>((resolve, reject) => {
      request(`${status.url}/echo/same`, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () => resolve(text));
      }).on('error', reject).end();
    });
    expect(other).toBe('{"who":"other"}');

    held[0]!.res.setHeader('content-type', 'application/json');
    held[0]!.res.end('{"who":"tryit"}');
    const answer = await tryIt;
    expect(answer.status).toBe(200);
    expect('body' in answer && Buffer.from(answer.body.base64, 'base64').toString('utf8')).toBe('{"who":"tryit"}');
    expect(answer).not.toHaveProperty('unmasked');
  });
});
