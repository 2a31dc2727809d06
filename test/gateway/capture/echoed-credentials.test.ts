// The inspector with a backend that echoes what it received (a common debugging backend, httpbin's /anything):
// the exchange's credential values — the client's password, the injected Basic password and OAuth token, the
// request parameters' values — are masked in every captured header of both hops, in the URLs and in the bodies,
// however the backend wrote them (JSON escapes of any kind, percent-encoding, a form's `+`, base64), while the
// rest of what it echoed is still shown.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecordingUpstream, type RecordingUpstream, type UpstreamHandler } from '../../support/recording-upstream';
import { startOAuthTokenServer, type OAuthTokenServer } from '../../support/oauth-token-server';
import { basic } from '../../support/gateway';
import { bodyText, CapturingGateway, expectNoSecret, header } from '../../support/capturing-gateway';

const CLIENT_PASSWORD = 'cl"ient\\pass ö+&/x';
const BACKEND_PASSWORD = 'pw"with\\quote/ä ü+&<x>';
const HEADER_PARAM = 'hp-SECRET-111';
const QUERY_PARAMS = ['qp-SECRET-222', 'qp SECRET/333ü'];

/** JSON's escapes as Python (ensure_ascii) and PHP write them: `\u00e4`, `\/`. */
const asciiJson = (value: unknown) => JSON.stringify(value).replace(/\//g, '\\/').replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

/** Every form of `value` the echoes below write, as a test looks for it. */
const formsOf = (value: string) => [
  value, JSON.stringify(value).slice(1, -1), asciiJson(value).slice(1, -1), encodeURIComponent(value), form({ v: value }).slice(2),
  Buffer.from(value).toString('base64'),
];

/** Echoes the request into response headers and a JSON body, in the ways backends write it. */
const echo: UpstreamHandler = (req, res, recorded) => {
  const authorization = req.headers.authorization ?? '';
  const pair = authorization.startsWith('Basic ') ? Buffer.from(authorization.slice(6), 'base64').toString('utf8') : '';
  const password = pair.slice(pair.indexOf(':') + 1);
  const query = Object.fromEntries(new URL(recorded.url, 'http://x').searchParams);
  const seen = { method: recorded.method, url: recorded.url, authorization, pair, password, query, param: req.headers['x-param-key'] };
  const body = `{"json":${JSON.stringify(seen)},"ascii":${asciiJson(seen)},"form":${JSON.stringify(form({ pair, ...query }))},` +
    `"uri":"${encodeURIComponent(password)}","b64":"${Buffer.from(password).toString('base64')}","note":"kept as sent"}`;
  res.writeHead(200, {
    'content-type': 'application/json',
    'x-received-auth': authorization,
    'x-echo-url': recorded.url,
    location: `http://backend.example${recorded.url}`,
    'x-echo-param': String(req.headers['x-param-key'] ?? ''),
  });
  res.end(body);
};

describe('credentials a backend echoes', () => {
  let backend: RecordingUpstream;
  let idp: OAuthTokenServer;
  let gw: CapturingGateway;
  beforeAll(async () => {
    backend = await startRecordingUpstream(echo);
    idp = await startOAuthTokenServer({ clients: { 'erp-client': 'erp-client-secret' } });
    gw = await new CapturingGateway().start(
      {
        services: [
          {
            name: 'orders', pathPrefix: '/orders', upstream: { url: `${backend.url}/api` }, plugins: { 'basic-auth': {} },
            endpointSecurity: { type: 'basic', secret: 'orders-backend' }, requestParametersSecret: { secret: 'orders-params' },
          },
          { name: 'erp', pathPrefix: '/erp', upstream: { url: backend.url }, endpointSecurity: { type: 'oauth2-client-credentials', tokenUrl: idp.tokenUrl, secret: 'erp-oauth' } },
        ],
        consumers: [{ username: 'alex', basicAuth: { password: { secret: 'alex', key: 'password' } } }],
      },
      {
        alex: { password: CLIENT_PASSWORD },
        'orders-backend': { username: 'svc', password: BACKEND_PASSWORD },
        'orders-params': {
          headers: JSON.stringify({ 'x-param-key': [HEADER_PARAM] }),
          // `on` is shorter than a credential is searched for: masked by its name only, never in other text.
          queryParameters: JSON.stringify({ 'sap-client': [QUERY_PARAMS[0]], tenant: [QUERY_PARAMS[1]], debug: ['on'] }),
        },
        'erp-oauth': { clientId: 'erp-client', clientSecret: 'erp-client-secret' },
      },
    );
  });
  afterAll(async () => {
    await gw.gateway.close();
    await idp.close();
    await backend.close();
  });

  it('masks the injected Basic password, the request parameters and the client’s password in every form, and shows the rest', async () => {
    const clientBody = `${form({ user: 'alex', password: CLIENT_PASSWORD })}&json=${encodeURIComponent(JSON.stringify({ p: CLIENT_PASSWORD }))}`;
    const { exchange, credentials } = await gw.call('/orders/list?page=2', {
      method: 'POST', headers: { authorization: basic('alex', CLIENT_PASSWORD), 'content-type': 'application/x-www-form-urlencoded' }, body: clientBody,
    });
    expect(exchange.response?.status).toBe(200);
    const received = backend.requests.at(-1)!;
    // What the backend got, to be sure the echo held every secret.
    expect(received.url).toBe(`/api/list?sap-client=qp-SECRET-222&tenant=qp%20SECRET%2F333%C3%BC&debug=on&page=2`);
    expect(received.headers.authorization).toBe(basic('svc', BACKEND_PASSWORD));

    const shownUrl = '/api/list?sap-client=%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2&tenant=%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2&debug=on&page=2';
    // In a header value the mask stands as itself, as in every masked header; in a URL it is percent-encoded.
    const echoedUrl = '/api/list?sap-client=••••••••&tenant=••••••••&debug=on&page=2';
    const headers = exchange.response!.headers;
    expect(header(headers, 'x-received-auth')).toEqual({ name: 'x-received-auth', value: 'Basic ••••••••', masked: true, source: 'client' });
    expect(header(headers, 'x-echo-url')?.value).toBe(echoedUrl);
    expect(header(headers, 'location')?.value).toBe(`http://backend.example${echoedUrl}`);
    expect(header(headers, 'x-echo-param')?.value).toBe('••••••••');
    expect(header(headers, 'content-type')).toEqual({ name: 'content-type', value: 'application/json' });

    const echoed = JSON.parse(bodyText(exchange.response!.body)) as { json: Record<string, unknown>; ascii: Record<string, unknown>; form: string; uri: string; b64: string; note: string };
    expect(echoed.json).toMatchObject({ method: 'POST', authorization: 'Basic ••••••••', pair: 'svc:••••••••', password: '••••••••', param: '••••••••' });
    expect(echoed.json.query).toEqual({ 'sap-client': '••••••••', tenant: '••••••••', debug: 'on', page: '2' });
    expect(echoed.ascii).toMatchObject({ method: 'POST', pair: 'svc:••••••••', password: '••••••••' });
    expect(echoed.form).toBe('pair=svc%3A••••••••&sap-client=••••••••&tenant=••••••••&debug=on&page=2');
    expect([echoed.uri, echoed.b64, echoed.note]).toEqual(['••••••••', '••••••••', 'kept as sent']);

    // The client's own password, in its form body (form-encoded, and JSON inside a form field).
    expect(bodyText(exchange.request.body)).toBe('user=alex&password=••••••••&json=%7B%22p%22%3A%22••••••••%22%7D');
    // The hop's own URL masks every parameter the secret added by name, `debug` too.
    expect(exchange.upstream!.url).toBe(`${backend.url}${shownUrl.replace('debug=on', 'debug=%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2')}`);

    expectNoSecret([{ exchange, credentials }], [CLIENT_PASSWORD, BACKEND_PASSWORD, HEADER_PARAM, ...QUERY_PARAMS].flatMap(formsOf));
    // The raw values stay beside the view, for an export the user asks to include credentials in.
    const raw = (name: string) => credentials[`response.headers.${headers.findIndex((h) => h.name === name)}`];
    expect(raw('x-received-auth')).toBe(basic('svc', BACKEND_PASSWORD));
    expect(raw('location')).toBe(`http://backend.example${received.url}`);
  });

  it('masks an injected OAuth token the backend echoes in a header and its body', async () => {
    const { exchange, credentials } = await gw.call('/erp/orders');
    expect(exchange.response?.status).toBe(200);
    const [token] = idp.issued();
    expect(backend.requests.at(-1)!.headers.authorization).toBe(`Bearer ${token}`);
    expect(header(exchange.response!.headers, 'x-received-auth')).toMatchObject({ value: 'Bearer ••••••••', masked: true });
    expect(header(exchange.response!.headers, 'x-echo-url')?.value).toBe('/orders');
    const echoed = JSON.parse(bodyText(exchange.response!.body)) as { json: Record<string, unknown>; note: string };
    expect(echoed.json).toMatchObject({ method: 'GET', url: '/orders', authorization: 'Bearer ••••••••' });
    expect(echoed.note).toBe('kept as sent');
    expectNoSecret([{ exchange, credentials }], formsOf(token!));
  });
});
