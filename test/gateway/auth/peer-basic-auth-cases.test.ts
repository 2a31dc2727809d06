// Request-level cases from the peers' own basic-auth test suites, and RFC 7617 / RFC 9110 §11, that
// basic-auth.test.ts and its neighbours do not already cover, each row naming where it comes from. A row either
// expects what the peer expects, or (marked "peer bug") what the README's Behaviour section says instead.
// Sources: Kong spec/03-plugins/10-basic-auth/03-access_spec.lua and 04-invalidations_spec.lua (and
// kong/plugins/basic-auth/access.lua for its parser); APISIX t/plugin/basic-auth.t, basic-auth-anonymous-consumer.t,
// basic-auth-realm.t (and apisix/plugins/basic-auth.lua for its parser).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecordingUpstream, type RecordingUpstream } from '../../support/recording-upstream';
import { basic, startTestGateway, type TestGateway } from '../../support/gateway';
import { RawConnection } from '../../support/raw-connection';
import type { WorkspaceInput } from '../../../gateway/config/schema';

const CHALLENGE = 'Basic realm="test-realm", charset="UTF-8"';
const MISSING = 'Missing authorization in request';
const MALFORMED = 'Invalid authorization in request';
const WRONG = 'Invalid user authorization';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

// Kong's route1 (realm "test-realm") and route3/route5 (anonymous "no-body"; its route2, hide_credentials, is
// basic-auth.test.ts's /v1/hidden), and one with both hide_credentials and anonymous, which neither suite pairs.
// Consumers as Kong's bob (bob:kong, left out with `bob: false`) and its credential user321 (password:123), here a
// consumer of its own since a Gatehouse consumer has one login; APISIX's foo:bar. Passwords are in `secrets`.
function workspace({ bob = true } = {}): WorkspaceInput {
  return {
    services: [
      { name: 'route1', pathPrefix: '/route1', upstream: { url: upstream.url }, plugins: { 'basic-auth': { realm: 'test-realm' } } },
      { name: 'route3', pathPrefix: '/route3', upstream: { url: upstream.url }, plugins: { 'basic-auth': { realm: 'test-realm', anonymousConsumer: 'no-body' } } },
      { name: 'hidden-anonymous', pathPrefix: '/hidden-anonymous', upstream: { url: upstream.url }, plugins: { 'basic-auth': { hideCredentials: true, anonymousConsumer: 'no-body' } } },
    ],
    consumers: [
      ...(!bob ? [] : [{ username: 'bob', basicAuth: { password: { secret: 'bob-pw', key: 'password' } } }]),
      { username: 'robert', basicAuth: { username: 'user321', password: { secret: 'user321-pw', key: 'password' } } },
      { username: 'foo', basicAuth: { password: { secret: 'foo-pw', key: 'password' } } },
      { username: 'no-body' },
    ],
  };
}

let upstream: RecordingUpstream;
let gateway: TestGateway;

beforeAll(async () => {
  upstream = await startRecordingUpstream();
  gateway = await startTestGateway(workspace(), {
    'bob-pw': { password: 'kong' },
    'user321-pw': { password: 'password:123' },
    'foo-pw': { password: 'bar' },
  });
});

afterAll(async () => {
  await gateway.close();
  await upstream.close();
});

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The request the upstream received, if it got one. */
  forwarded?: Record<string, string | string[] | undefined>;
}

/** Sends the request's bytes as written (raw header lines, so empty values and odd whitespace reach the gateway). */
async function send(method: string, path: string, headerLines: string[] = []): Promise<Answer> {
  const before = upstream.requests.length;
  const connection = await RawConnection.open(gateway.port);
  try {
    connection.write(`${method} ${path} HTTP/1.1\r\nHost: gw.test\r\n${headerLines.map((line) => `${line}\r\n`).join('')}\r\n`);
    const answer = (await connection.response(undefined, { head: method === 'HEAD' }))!;
    return { ...answer, forwarded: upstream.requests[before]?.headers };
  } finally {
    connection.close();
  }
}

interface Refused {
  status: 401;
  message: string;
}
interface SignedIn {
  status: 200;
  consumer: string;
  credential?: string;
}
interface Row {
  /** File and case (`it` name or TEST number) it comes from. */
  source: string;
  path?: string;
  headers: string[];
  expected: Refused | SignedIn;
}

const rows: Record<string, Row> = {
  'Authorization with no scheme at all': {
    source: 'Kong 03-access_spec.lua "returns 401 Unauthorized on invalid credentials in Authorization" (Kong says "Unauthorized")',
    headers: ['Authorization: foobar'],
    expected: { status: 401, message: MALFORMED },
  },
  'base64 with a stray leading character': {
    source: 'Kong 03-access_spec.lua "returns 401 for valid Base64 encoding"',
    headers: ['Authorization: Basic adXNlcjEyMzpwYXNzd29yZDEyMw=='],
    expected: { status: 401, message: MALFORMED },
  },
  'a credential whose login is not its consumer\'s name, password with ":"': {
    source: 'Kong 03-access_spec.lua "authenticates with a password containing \':\'" (x-credential-identifier user321)',
    headers: ['Authorization: Basic dXNlcjMyMTpwYXNzd29yZDoxMjM='],
    expected: { status: 200, consumer: 'robert', credential: 'user321' },
  },
  "the consumer's name where its login is another": {
    source: 'Kong 03-access_spec.lua (credential user321 of consumer bob: the credential\'s username signs in, not the consumer\'s)',
    headers: [`Authorization: ${basic('robert', 'password:123')}`],
    expected: { status: 401, message: WRONG },
  },
  'the login is compared as sent, case included': {
    source: 'RFC 7617 §2 (user-id compared as a string; Kong and APISIX look it up exactly)',
    headers: [`Authorization: Basic ${b64('FOO:bar')}`],
    expected: { status: 401, message: WRONG },
  },
  'another scheme with a Basic-looking token': {
    source: 'APISIX basic-auth.t TEST 6 "verify, invalid basic authorization header"',
    headers: ['Authorization: Bad_header YmFyOmJhcgo='],
    expected: { status: 401, message: MALFORMED },
  },
  'base64url characters and a length no padding fixes': {
    source: 'APISIX basic-auth.t TEST 7 "verify, invalid authorization value (bad base64 str)"',
    headers: ['Authorization: Basic aca_a'],
    expected: { status: 401, message: MALFORMED },
  },
  'an empty Authorization value': {
    source: 'RFC 9110 §11.6.2 (credentials = auth-scheme …; APISIX answers it "Invalid authorization in request")',
    headers: ['Authorization: '],
    expected: { status: 401, message: MALFORMED },
  },
  'an empty user-id': {
    source: 'RFC 7617 §2; peer bug: Kong access.lua ([^:]+):(.*) calls it an unrecognized format, APISIX looks up ""',
    headers: [`Authorization: Basic ${b64(':bar')}`],
    expected: { status: 401, message: WRONG },
  },
  'text after the password behind another colon': {
    source: 'RFC 7617 §2 (the password is all after the first colon); peer bug: APISIX basic-auth.lua keeps only the second part of split(":"), signing foo:bar:junk in as foo:bar',
    headers: [`Authorization: Basic ${b64('foo:bar:junk')}`],
    expected: { status: 401, message: WRONG },
  },
  'a space inside the password': {
    source: 'RFC 7617 §2 (no trimming); peer bug: APISIX basic-auth.lua removes all whitespace (gsub "\\s+"), signing "foo:b ar" in as foo:bar',
    headers: [`Authorization: Basic ${b64('foo:b ar')}`],
    expected: { status: 401, message: WRONG },
  },
  'a space before the user-id': {
    source: 'RFC 7617 §2 (no trimming); peer bug: APISIX basic-auth.lua removes it',
    headers: [`Authorization: Basic ${b64(' foo:bar')}`],
    expected: { status: 401, message: WRONG },
  },
  'the scheme inside a longer word': {
    source: 'RFC 9110 §11.4 (the value starts with the scheme); peer bug: APISIX "(?i:basic)\\s(.+)" and Kong "\\s*[Bb]asic\\s*(.+)" are unanchored',
    headers: [`Authorization: NotBasic ${b64('foo:bar')}`],
    expected: { status: 401, message: MALFORMED },
  },
  'no space between scheme and token': {
    source: 'RFC 9110 §11.4 (1*SP after the scheme); peer bug: Kong access.lua "\\s*[Bb]asic\\s*(.+)" accepts none',
    headers: [`Authorization: Basic${b64('foo:bar')}`],
    expected: { status: 401, message: MALFORMED },
  },
  'spaces and tabs between scheme and token': {
    source: 'RFC 9110 §11.4 (1*SP; a tab taken too, as basic-credentials.ts says)',
    headers: [`Authorization: Basic \t  ${b64('foo:bar')}`],
    expected: { status: 200, consumer: 'foo', credential: 'foo' },
  },
  'whitespace before the scheme (field OWS)': {
    source: 'RFC 9110 §5.5 (OWS around a field value is not part of it)',
    headers: [`Authorization: \t  Basic ${b64('foo:bar')}`],
    expected: { status: 200, consumer: 'foo', credential: 'foo' },
  },
  'decoded bytes that are not UTF-8 (Latin-1 "foö")': {
    source: 'RFC 7617 §2.1 (charset="UTF-8" announced; the README: decoded bytes must be UTF-8)',
    headers: [`Authorization: Basic ${Buffer.from('fo\u00f6:bar', 'latin1').toString('base64')}`],
    expected: { status: 401, message: MALFORMED },
  },
};

describe('basic-auth cases from the peers\' suites and the RFCs', () => {
  it.each(Object.entries(rows))('%s', async (_label, row) => {
    const answer = await send('GET', `${row.path ?? '/route1'}/request`, row.headers);
    expect(answer.status, row.source).toBe(row.expected.status);
    if (row.expected.status === 401) {
      expect(JSON.parse(answer.body), row.source).toEqual({ message: row.expected.message });
      expect(answer.headers['www-authenticate'], row.source).toBe(CHALLENGE);
      expect(answer.forwarded, row.source).toBeUndefined();
    } else {
      expect(answer.forwarded?.['x-consumer-username'], row.source).toBe(row.expected.consumer);
      expect(answer.forwarded?.['x-credential-identifier'], row.source).toBe(row.expected.credential);
      expect(answer.forwarded?.['x-anonymous-consumer'], row.source).toBeUndefined();
    }
  });

  it('falls back to the anonymous consumer for each of those failures, forwarding neither identity nor credential of its own', async () => {
    // Kong 03-access_spec.lua "works with wrong credentials and anonymous": x-credential-identifier nil.
    for (const [label, row] of Object.entries(rows)) {
      if (row.expected.status !== 401) continue;
      const answer = await send('GET', '/route3/request', row.headers);
      expect(answer.status, label).toBe(200);
      expect(answer.forwarded?.['x-consumer-username'], label).toBe('no-body');
      expect(answer.forwarded?.['x-anonymous-consumer'], label).toBe('true');
      expect(answer.forwarded?.['x-credential-identifier'], label).toBeUndefined();
    }
  });

  it('answers HEAD and OPTIONS on a protected route as GET: 401 and the challenge without credentials, forwarded with them', async () => {
    // RFC 9110 §11.6.1 (a 401 carries WWW-Authenticate whatever the method), §9.3.2 (HEAD as GET without content).
    // APISIX and Kong run basic-auth for every method (a preflight is the cors plugin's to answer, before it).
    for (const method of ['HEAD', 'OPTIONS']) {
      const refused = await send(method, '/route1/request');
      expect(refused.status, method).toBe(401);
      expect(refused.headers['www-authenticate'], method).toBe(CHALLENGE);
      expect(refused.forwarded, method).toBeUndefined();
      if (method === 'HEAD') expect(refused.body).toBe('');
      else expect(JSON.parse(refused.body)).toEqual({ message: MISSING });
      const signedIn = await send(method, '/route1/request', [`Authorization: ${basic('foo', 'bar')}`]);
      expect(signedIn.status, method).toBe(200);
      expect(signedIn.forwarded?.['x-consumer-username'], method).toBe('foo');
    }
  });

  it('with hideCredentials, removes the Authorization header on a failure served as the anonymous consumer too', async () => {
    // APISIX basic-auth.lua clears Authorization after the anonymous fallback; Kong access.lua as soon as it read it.
    for (const authorization of [basic('foo', 'wrong'), 'Bearer for-someone', 'Basic %%%%']) {
      const hidden = await send('GET', '/hidden-anonymous/request', [`Authorization: ${authorization}`]);
      expect(hidden.status, authorization).toBe(200);
      expect(hidden.forwarded?.['x-anonymous-consumer'], authorization).toBe('true');
      expect(hidden.forwarded?.authorization, authorization).toBeUndefined();
    }
  });
});

describe('a changed workspace, as Kong\'s 04-invalidations_spec.lua has it', () => {
  // Each reload is the whole workspace; what it leaves out or changes no longer signs a request in.
  it('refuses the old password and takes the new one once a consumer\'s password is changed and the workspace reloaded', async () => {
    // "invalidated credentials from cache when updated": bob:kong, then bob:kong-updated.
    expect((await send('GET', '/route1/request', [`Authorization: ${basic('bob', 'kong')}`])).status).toBe(200);
    gateway.secrets.set({ name: 'bob-pw' }, { password: 'kong-updated' });
    expect(await gateway.reload(workspace())).toEqual({ ok: true, leftOut: [] });
    const old = await send('GET', '/route1/request', ['Authorization: Basic Ym9iOmtvbmc=']);
    expect(old.status).toBe(401);
    expect(JSON.parse(old.body)).toEqual({ message: WRONG });
    expect((await send('GET', '/route1/request', ['Authorization: Basic Ym9iOmtvbmctdXBkYXRlZA=='])).status).toBe(200);
  });

  it('refuses the credentials of a consumer removed, or whose basic-auth was removed', async () => {
    // "#invalidates credentials when the Consumer is deleted", "invalidates credentials from cache when deleted".
    gateway.secrets.set({ name: 'bob-pw' }, { password: 'kong' });
    expect(await gateway.reload(workspace())).toEqual({ ok: true, leftOut: [] });
    expect((await send('GET', '/route1/request', ['Authorization: Basic Ym9iOmtvbmc='])).status).toBe(200);
    expect(await gateway.reload(workspace({ bob: false }))).toEqual({ ok: true, leftOut: [] });
    expect((await send('GET', '/route1/request', ['Authorization: Basic Ym9iOmtvbmc='])).status).toBe(401);
    const withoutLogin = workspace({ bob: false });
    withoutLogin.consumers = [...withoutLogin.consumers!, { username: 'bob' }];
    expect(await gateway.reload(withoutLogin)).toEqual({ ok: true, leftOut: [] });
    expect((await send('GET', '/route1/request', ['Authorization: Basic Ym9iOmtvbmc='])).status).toBe(401);
    expect(await gateway.reload(workspace())).toEqual({ ok: true, leftOut: [] });
  });

  it('refuses to drop the anonymous consumer a plugin names, naming the field, and keeps serving it', async () => {
    // Kong "consumer cache consistency" and "errors when anonymous user doesn't exist" answer such requests 500;
    // APISIX basic-auth-anonymous-consumer.t TEST 7 answers 401. Gatehouse refuses the workspace instead.
    const withoutAnonymous = workspace();
    withoutAnonymous.consumers = withoutAnonymous.consumers!.filter((consumer) => consumer.username !== 'no-body');
    const result = await gateway.reload(withoutAnonymous);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      expect.objectContaining({ path: 'services[1].plugins["basic-auth"].anonymousConsumer', message: expect.stringContaining('no consumer named "no-body"') }),
      expect.objectContaining({ path: 'services[2].plugins["basic-auth"].anonymousConsumer', message: expect.stringContaining('no consumer named "no-body"') }),
    ]);
    const answer = await send('GET', '/route3/request');
    expect(answer.status).toBe(200);
    expect(answer.forwarded?.['x-consumer-username']).toBe('no-body');
  });
});
