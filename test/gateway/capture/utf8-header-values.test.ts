// Header values in UTF-8, as the traffic inspector shows them: a consumer's name the gateway sends as UTF-8 bytes
// (as Kong does) reads as the name, flagged as read as UTF-8, not as its bytes taken one character each ("ZoÃ«");
// the backend still receives the bytes; a value that is not valid UTF-8 stays as it came, unflagged; a backend's
// echo of a credential in UTF-8 is masked before anything is read as UTF-8.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CapturingGateway, expectNoSecret, header } from '../../support/capturing-gateway';
import { startRecordingUpstream, type RecordingUpstream } from '../../support/recording-upstream';
import { basic } from '../../support/gateway';
import { utf8View } from '../../../gateway/capture/utf8-header-view';

const ZOE = 'Zoë 😀';
const ZOE_PASSWORD = 'zoë-pass-δοκιμή-😀';
const asLatin1 = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

describe('UTF-8 header values in the traffic inspector', () => {
  let upstream: RecordingUpstream;
  let gw: CapturingGateway;
  beforeAll(async () => {
    upstream = await startRecordingUpstream((_req, res) => {
      // Echoes the client's password back in a header, as UTF-8 bytes, and sends a name of its own in Latin-1.
      res.writeHead(200, [
        'content-type', 'text/plain',
        'x-echo', asLatin1(`seen ${ZOE_PASSWORD} for ${ZOE}`),
        'x-latin1-name', 'caf\u00e9',
      ]);
      res.end('ok');
    });
    gw = await new CapturingGateway().start(
      {
        services: [{ name: 'billing', pathPrefix: '/billing', upstream: { url: upstream.url }, plugins: { 'basic-auth': {} } }],
        consumers: [{ username: ZOE, basicAuth: { password: { secret: 'zoe', key: 'password' } } }],
      },
      { zoe: { password: ZOE_PASSWORD } },
    );
  });
  afterAll(async () => {
    await gw.gateway.close();
    await upstream.close();
  });

  it('shows a consumer name sent as UTF-8 bytes as the name, says it was read as UTF-8, and sends the bytes unchanged', async () => {
    const { exchange } = await gw.call('/billing/z', { headers: { authorization: basic(ZOE, ZOE_PASSWORD) } });
    expect(exchange.response?.status).toBe(200);
    expect(exchange.consumer).toBe(ZOE);
    // On the wire: the UTF-8 bytes, as before.
    expect(Buffer.from(String(upstream.requests.at(-1)!.headers['x-consumer-username']), 'latin1').toString('utf8')).toBe(ZOE);
    const sent = exchange.upstream!.attempts[0]!.headers;
    expect(header(sent, 'x-consumer-username')).toEqual({ name: 'x-consumer-username', value: ZOE, utf8: true });
    expect(header(sent, 'x-credential-identifier')).toEqual({ name: 'x-credential-identifier', value: ZOE, utf8: true });
    expect(header(sent, 'host')).toEqual({ name: 'host', value: expect.any(String) });
    // Not valid UTF-8: as it came, one character a byte, and not flagged.
    expect(header(exchange.response!.headers, 'x-latin1-name')).toEqual({ name: 'x-latin1-name', value: 'caf\u00e9' });
    // The echoed password is masked, and what is around it read as UTF-8.
    expect(header(exchange.response!.headers, 'x-echo')).toMatchObject({ value: `seen •••••••• for ${ZOE}`, masked: true, utf8: true });
    expect(exchange.request.headers.find((h) => h.name === 'authorization')?.value).toBe(`Basic ${ZOE}:••••••••`);
    expectNoSecret(gw.seen, [ZOE_PASSWORD, asLatin1(ZOE_PASSWORD)]);
  });

  it('reads only values of one byte a character, with bytes past ASCII, that are valid UTF-8', () => {
    expect(utf8View('plain ascii')).toBeUndefined();
    expect(utf8View(asLatin1('jürgen'))).toBe('jürgen');
    expect(utf8View('caf\u00e9')).toBeUndefined();
    expect(utf8View('already ü decoded 😀')).toBeUndefined();
    expect(utf8View(`${asLatin1('ü')}••••••••${asLatin1('δ')}`, '••••••••')).toBe('ü••••••••δ');
  });
});
