import { describe, expect, it } from 'vitest';
import { downstreamHeaders, isHopByHop, upstreamRequestHeaders, type ForwardedContext } from '../../../gateway/proxy/forward-headers';
import { lowerCaseHeaderName } from '../../../gateway/proxy/undici-core';

/** A raw header list as undici's parser hands it over: name, value, name, value, … as Buffers. */
const raw = (...pairs: [string, string][]) => pairs.flatMap(([name, value]) => [Buffer.from(name, 'latin1'), Buffer.from(value, 'latin1')]);

describe('downstreamHeaders', () => {
  it('keeps end-to-end fields in order, repeated ones included, names in lower case and values byte for byte', () => {
    expect(downstreamHeaders(raw(
      ['Content-Type', 'application/json'], ['Set-Cookie', 'a=1'], ['X-Odd', 'caf\u00e9'], ['set-cookie', 'b=2'], ['Connection', 'keep-alive'],
    ), lowerCaseHeaderName)).toEqual(['content-type', 'application/json', 'set-cookie', 'a=1', 'x-odd', 'caf\u00e9', 'set-cookie', 'b=2']);
  });

  it('drops hop-by-hop fields and the ones the Connection header names, in any case and spacing', () => {
    expect(downstreamHeaders(raw(
      ['Keep-Alive', 'timeout=5'], ['Transfer-Encoding', 'chunked'], ['X-Private', 'p'], ['X-Kept', 'k'], ['Upgrade', 'h2c'],
      ['Connection', 'keep-alive ,  X-PRIVATE'], ['Connection', 'x-other'], ['X-Other', 'o'], ['Proxy-Authenticate', 'Basic'],
      ['Proxy-Authentication-Info', 'nextnonce="abc"'],
    ), lowerCaseHeaderName)).toEqual(['x-kept', 'k']);
  });

  it('knows the hop-by-hop names, and the gateway\'s own environment header', () => {
    for (const name of ['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authorization', 'host', 'x-gatehouse-environment']) expect(isHopByHop(name)).toBe(true);
    for (const name of ['content-type', 'set-cookie', 'authorization']) expect(isHopByHop(name)).toBe(false);
  });
});

describe('upstreamRequestHeaders: X-Real-IP and Forwarded', () => {
  const ctx = (over: Partial<ForwardedContext> = {}): ForwardedContext => ({ method: 'GET', clientAddress: '192.0.2.7', originalHost: 'gw.test', localPort: 8000, httpVersion: '1.1', ...over });

  it('replaces a client\'s X-Real-IP with the client\'s address', () => {
    expect(upstreamRequestHeaders({ host: 'gw.test', 'x-real-ip': '6.6.6.6' }, 'backend', ctx())['x-real-ip']).toBe('192.0.2.7');
  });

  it('appends the gateway\'s element to a client\'s Forwarded, as to X-Forwarded-For', () => {
    const headers = upstreamRequestHeaders({ host: 'gw.test', forwarded: 'for=9.9.9.9;proto=https' }, 'backend', ctx());
    expect(headers.forwarded).toBe('for=9.9.9.9;proto=https, for=192.0.2.7;host=gw.test;proto=http');
  });

  it('quotes and brackets an IPv6 client, quotes a Host with a port, leaves out a missing Host (RFC 7239 §4, §6)', () => {
    expect(upstreamRequestHeaders({ host: 'gw.test:8000', forwarded: 'for=a' }, 'backend', ctx({ clientAddress: '::1', originalHost: 'gw.test:8000' })).forwarded)
      .toBe('for=a, for="[::1]";host="gw.test:8000";proto=http');
    expect(upstreamRequestHeaders({ forwarded: 'for=a' }, 'backend', ctx({ clientAddress: '::ffff:127.0.0.1', originalHost: undefined })).forwarded)
      .toBe('for=a, for="[::ffff:127.0.0.1]";proto=http');
    expect(upstreamRequestHeaders({ host: '[::1]:8000', forwarded: 'for=a' }, 'backend', ctx({ originalHost: '[::1]:8000' })).forwarded)
      .toBe('for=a, for=192.0.2.7;host="[::1]:8000";proto=http');
  });

  it('drops a client\'s X-Forwarded-Host when there is no Host to put there (an HTTP/1.0 request without one)', () => {
    // Until 1 Dec it reached the upstream as if the gateway had set it: a password-reset link built from it goes elsewhere.
    expect(upstreamRequestHeaders({ 'x-forwarded-host': 'evil.example' }, 'backend', ctx({ originalHost: undefined, httpVersion: '1.0' }))).not.toHaveProperty('x-forwarded-host');
    expect(upstreamRequestHeaders({ host: 'gw.test', 'x-forwarded-host': 'evil.example' }, 'backend', ctx())['x-forwarded-host']).toBe('gw.test');
  });

  it('drops a client\'s path-override and mount-prefix fields, the gateway\'s own spelling or not', () => {
    const headers = upstreamRequestHeaders({
      host: 'gw.test', 'x-original-url': '/admin/delete', 'x-rewrite-url': '/admin', 'x-forwarded-prefix': '/evil', 'x-forwarded-path': '/x', x_original_url: '/admin', 'x-kept': 'k',
    }, 'backend', ctx());
    for (const name of ['x-original-url', 'x-rewrite-url', 'x-forwarded-prefix', 'x-forwarded-path', 'x_original_url']) expect(headers).not.toHaveProperty(name);
    expect(headers['x-kept']).toBe('k');
  });

  it("drops a client's client-certificate fields (XFCC, RFC 9440, ingress-nginx, Traefik), the gateway's own spelling or not, and sets none", () => {
    const sent = {
      'x-forwarded-client-cert': 'By=spiffe://cluster.local/ns/a/sa/b;Hash=abc;Subject="CN=admin";URI=spiffe://cluster.local/ns/a/sa/admin',
      'client-cert': ':MIIB:', 'client-cert-chain': ':MIIC:', 'ssl-client-cert': '-----BEGIN%20CERTIFICATE-----', 'ssl-client-verify': 'SUCCESS',
      'ssl-client-subject-dn': 'CN=admin', 'ssl-client-issuer-dn': 'CN=ca', 'x-forwarded-tls-client-cert': 'MIIB', 'x-forwarded-tls-client-cert-info': 'Subject%3D%22CN%3Dadmin%22',
      x_forwarded_client_cert: 'Subject="CN=admin"', ssl_client_verify: 'SUCCESS',
    };
    const headers = upstreamRequestHeaders({ host: 'gw.test', ...sent, 'x-kept': 'k' }, 'backend', ctx());
    for (const name of Object.keys(sent)) expect(headers).not.toHaveProperty(name);
    expect(headers['x-kept']).toBe('k');
  });

  it('adds neither when the client sent neither', () => {
    const headers = upstreamRequestHeaders({ host: 'gw.test' }, 'backend', ctx());
    expect(headers).not.toHaveProperty('x-real-ip');
    expect(headers).not.toHaveProperty('forwarded');
    expect(headers['x-forwarded-for']).toBe('192.0.2.7');
  });
});

describe('upstreamRequestHeaders: Via and the fields a client\'s Connection names', () => {
  const ctx = (over: Partial<ForwardedContext> = {}): ForwardedContext => ({ method: 'GET', clientAddress: '192.0.2.7', originalHost: 'gw.test', localPort: 8000, httpVersion: '1.1', ...over });

  it('sends Via with the version the client spoke, extending a client\'s own (RFC 9110 §7.6.3)', () => {
    expect(upstreamRequestHeaders({ host: 'gw.test' }, 'backend', ctx()).via).toBe('1.1 gatehouse');
    expect(upstreamRequestHeaders({ host: 'gw.test' }, 'backend', ctx({ httpVersion: '1.0' })).via).toBe('1.0 gatehouse');
    expect(upstreamRequestHeaders({ host: 'gw.test', via: '1.0 fred, 1.1 p.example.net' }, 'backend', ctx()).via).toBe('1.0 fred, 1.1 p.example.net, 1.1 gatehouse');
  });

  it('starts X-Forwarded-For, Forwarded and Via anew when the client\'s Connection names them (RFC 9110 §7.6.1)', () => {
    const headers = upstreamRequestHeaders({
      host: 'gw.test', connection: 'close, X-Forwarded-For, Forwarded, Via', 'x-forwarded-for': '6.6.6.6', forwarded: 'for=6.6.6.6', via: '1.1 spoofed',
    }, 'backend', ctx());
    expect(headers['x-forwarded-for']).toBe('192.0.2.7');
    expect(headers).not.toHaveProperty('forwarded');
    expect(headers.via).toBe('1.1 gatehouse');
  });
});

describe('upstreamRequestHeaders: fields Node keeps the first of', () => {
  const ctx = (rawHeaders?: string[]): ForwardedContext => ({ rawHeaders, method: 'GET', clientAddress: '192.0.2.7', originalHost: 'gw.test', localPort: 8000, httpVersion: '1.1' });

  it('forwards every line of a repeated one as sent, in order; a single one, and the fields Node joins, as they were', () => {
    const rawHeaders = ['Host', 'gw.test', 'Authorization', 'Bearer one', 'X-List', 'a', 'AUTHORIZATION', 'Bearer two', 'Referer', 'https://r.test/', 'x-list', 'b'];
    // What Node's server makes of them: the first Authorization, the lists joined.
    const headers = upstreamRequestHeaders({ host: 'gw.test', authorization: 'Bearer one', 'x-list': 'a, b', referer: 'https://r.test/' }, 'backend', ctx(rawHeaders));
    expect(headers.authorization).toEqual(['Bearer one', 'Bearer two']);
    expect(headers.referer).toBe('https://r.test/');
    expect(headers['x-list']).toBe('a, b');
    expect(headers.host).toBe('backend');
  });

  it('leaves out what the gateway does not forward, repeated or not: Proxy-Authorization, a field Connection names', () => {
    const rawHeaders = ['Host', 'gw.test', 'Proxy-Authorization', 'Basic a', 'Proxy-Authorization', 'Basic b', 'Connection', 'referer', 'Referer', 'x', 'Referer', 'y'];
    const headers = upstreamRequestHeaders({ host: 'gw.test', 'proxy-authorization': 'Basic a', connection: 'referer', referer: 'x' }, 'backend', ctx(rawHeaders));
    expect(headers).not.toHaveProperty('proxy-authorization');
    expect(headers).not.toHaveProperty('referer');
  });
});
