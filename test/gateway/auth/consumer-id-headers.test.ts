// A consumer's `id` and `customId` reach the upstream as X-Consumer-ID and X-Consumer-Custom-ID, as Kong sends
// them (APISIX the custom id), for a signed-in consumer and the anonymous one alike; a consumer without them sends
// neither, and a client cannot send its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startRecordingUpstream, type RecordingUpstream } from '../../support/recording-upstream';
import { basic, startTestGateway, type TestGateway } from '../../support/gateway';
import { validateWorkspace } from '../../../gateway/config/validate';

let upstream: RecordingUpstream;
let gateway: TestGateway;

beforeAll(async () => {
  upstream = await startRecordingUpstream();
  gateway = await startTestGateway(
    {
      services: [
        { name: 'api', pathPrefix: '/api', upstream: { url: upstream.url }, plugins: { 'basic-auth': {} } },
        { name: 'open', pathPrefix: '/open', upstream: { url: upstream.url }, plugins: { 'basic-auth': { anonymousConsumer: 'guest' } } },
        { name: 'public', pathPrefix: '/public', upstream: { url: upstream.url } },
        { name: 'open-plain', pathPrefix: '/open-plain', upstream: { url: upstream.url }, plugins: { 'basic-auth': { anonymousConsumer: 'nobody' } } },
      ],
      consumers: [
        { username: 'alex', id: 'f2b6c1d0-4a1e-4c55-9a6e-3d1f0b7c2a11', customId: 'crm-1207', basicAuth: { password: { secret: 'alex', key: 'password' } } },
        { username: 'zoë', customId: 'Zoë Ünal', basicAuth: { password: { secret: 'zoe', key: 'password' } } },
        { username: 'plain', basicAuth: { password: { secret: 'plain', key: 'password' } } },
        { username: 'guest', id: 'anon-0', customId: 'public' },
        { username: 'nobody' },
      ],
    },
    { alex: { password: 'pw-alex' }, zoe: { password: 'pw-zoe' }, plain: { password: 'pw-plain' } },
  );
});

afterAll(async () => {
  await gateway.close();
  await upstream.close();
});

/** The identity headers the upstream received, values read as UTF-8 (Node hands over one character per byte). */
async function identityOf(path: string, headers: Record<string, string> = {}): Promise<Record<string, string>> {
  const before = upstream.requests.length;
  const res = await request(`${gateway.url}${path}`, { headers });
  await res.body.dump();
  expect(res.statusCode).toBe(200);
  const raw = upstream.requests[before]!.rawHeaders;
  const seen: Record<string, string> = {};
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (name.startsWith('x-consumer-') || name.startsWith('x-credential-') || name === 'x-anonymous-consumer') seen[name] = Buffer.from(raw[i + 1]!, 'latin1').toString('utf8');
  }
  return seen;
}

const SPOOFED = { 'X-Consumer-ID': 'admin-id', 'X-Consumer-Custom-ID': 'admin' };

describe('X-Consumer-ID and X-Consumer-Custom-ID', () => {
  it('are sent for a signed-in consumer that has them, in place of spoofed ones', async () => {
    expect(await identityOf('/api/x', { authorization: basic('alex', 'pw-alex'), ...SPOOFED })).toEqual({
      'x-consumer-username': 'alex',
      'x-credential-identifier': 'alex',
      'x-consumer-id': 'f2b6c1d0-4a1e-4c55-9a6e-3d1f0b7c2a11',
      'x-consumer-custom-id': 'crm-1207',
    });
  });

  it('carry text outside ASCII as UTF-8 bytes, and only the one the consumer has', async () => {
    expect(await identityOf('/api/x', { authorization: basic('zoë', 'pw-zoe') })).toEqual({
      'x-consumer-username': 'zoë',
      'x-credential-identifier': 'zoë',
      'x-consumer-custom-id': 'Zoë Ünal',
    });
  });

  it('are absent for a consumer without them, and a client cannot send its own', async () => {
    expect(await identityOf('/api/x', { authorization: basic('plain', 'pw-plain'), ...SPOOFED })).toEqual({
      'x-consumer-username': 'plain',
      'x-credential-identifier': 'plain',
    });
  });

  it('are sent for the anonymous consumer too, as Kong does', async () => {
    expect(await identityOf('/open/x', SPOOFED)).toEqual({
      'x-consumer-username': 'guest',
      'x-anonymous-consumer': 'true',
      'x-consumer-id': 'anon-0',
      'x-consumer-custom-id': 'public',
    });
    expect(await identityOf('/open-plain/x', SPOOFED)).toEqual({ 'x-consumer-username': 'nobody', 'x-anonymous-consumer': 'true' });
  });

  it('are not sent on a service without basic-auth, where a client still cannot send its own', async () => {
    expect(await identityOf('/public/x', SPOOFED)).toEqual({});
  });
});

describe('id and customId in the workspace', () => {
  const errorsOf = (consumers: unknown[]) => {
    const result = validateWorkspace({ consumers });
    return result.ok ? [] : result.errors;
  };

  it('refuse an id another consumer has, naming the field and the consumer', () => {
    expect(errorsOf([{ username: 'a', id: 'same' }, { username: 'b', id: 'other' }, { username: 'c', id: 'same' }])).toEqual([
      { path: 'consumers[2].id', message: 'duplicate consumer id "same" (consumer "a" has it)' },
    ]);
    // A custom id may repeat, as APISIX's labels.custom_id (Kong keeps custom_id unique; the README says so).
    expect(errorsOf([{ username: 'a', customId: 'team' }, { username: 'b', customId: 'team' }])).toEqual([]);
  });

  it('refuse control characters, empty and overlong values, naming the field', () => {
    const paths = errorsOf([{ username: 'a', id: 'x\ny', customId: 'tab\there' }, { username: 'b', id: '', customId: 'z'.repeat(257) }]).map((e) => e.path);
    expect(paths).toEqual(['consumers[0].id', 'consumers[0].customId', 'consumers[1].id', 'consumers[1].customId']);
  });
});
