import { describe, expect, it } from 'vitest';
import { validateWorkspace, formatFieldPath, describeFieldErrors } from '../../../gateway/config/validate';
import { workspaceJsonSchema } from '../../../gateway/config/json-schema';

const service = { name: 'svc', upstream: { url: 'http://127.0.0.1:8080' } };

function errorsOf(input: unknown) {
  const result = validateWorkspace(input);
  if (result.ok) throw new Error('expected validation errors');
  return result.errors;
}

describe('workspace schema', () => {
  it('fills defaults for a minimal workspace', () => {
    const result = validateWorkspace({ services: [service] });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.gateway).toMatchObject({ host: '127.0.0.1', port: 9080 });
    expect(result.value.services[0]).toMatchObject({ pathPrefix: '/', stripPrefix: true, plugins: {} });
  });

  it('names the field path of each error', () => {
    const errors = errorsOf({ services: [service], routes: [{ name: 'a', service: 'svc', path: '/' }, { name: 'b', service: 'svc', path: '/' }, { name: 'c', service: 'svc', path: '/', methods: ['GET', 'FETCH'] }] });
    expect(errors).toEqual([{ path: 'routes[2].methods[1]', message: 'expected one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, TRACE' }]);
  });

  it('checks references between services, routes and consumers', () => {
    const errors = errorsOf({
      services: [service, service],
      routes: [{ name: 'r', service: 'missing', path: '/', plugins: { 'basic-auth': { anonymousConsumer: 'ghost' } } }],
      consumers: [{ username: 'a' }, { username: 'a' }],
    });
    expect(describeFieldErrors(errors)).toBe(
      [
        'services[1].name: duplicate service name "svc"',
        'routes[0].service: no service named "missing"',
        'consumers[1].username: duplicate consumer "a"',
        'routes[0].plugins["basic-auth"].anonymousConsumer: no consumer named "ghost"',
      ].join('\n'),
    );
  });

  it('refuses a basic-auth login used twice, also when written once composed and once decomposed (compared in NFC)', () => {
    const password = { secret: 'pw', key: 'password' };
    expect(errorsOf({ consumers: [{ username: 'a', basicAuth: { username: 'alex', password } }, { username: 'b', basicAuth: { username: 'alex', password } }] })).toEqual([
      { path: 'consumers[1].basicAuth.username', message: 'basic-auth username "alex" is used by another consumer' },
    ]);
    expect(errorsOf({ consumers: [{ username: 'j\u00fcrgen', basicAuth: { password } }, { username: 'ju\u0308rgen', basicAuth: { password } }] })).toEqual([
      { path: 'consumers[1].basicAuth.username', message: 'basic-auth username "ju\u0308rgen" is another consumer\'s "j\u00fcrgen" written in another Unicode normalization form; logins are compared in NFC (RFC 7617)' },
    ]);
  });

  it('refuses a consumer whose basic-auth login would be a name with ":" (RFC 7617), and takes it with its own login', () => {
    const password = { secret: 'pw', key: 'password' };
    expect(errorsOf({ consumers: [{ username: 'team:alex', basicAuth: { password } }] })).toEqual([
      { path: 'consumers[0].basicAuth.username', message: 'the consumer\'s name "team:alex" contains ":", which a basic-auth username cannot (RFC 7617): set a username without it' },
    ]);
    expect(validateWorkspace({ consumers: [{ username: 'team:alex', basicAuth: { username: 'alex', password } }, { username: 'team:bo' }] }).ok).toBe(true);
  });

  it('refuses a password written into the workspace, and credentials in upstream URLs', () => {
    const errors = errorsOf({
      services: [{ name: 's', upstream: { url: 'http://user:pw@127.0.0.1' } }],
      consumers: [{ username: 'alex', basicAuth: { password: '123456' } }],
    });
    expect(errors.map((e) => e.path)).toEqual(['services[0].upstream.url', 'consumers[0].basicAuth.password']);
  });

  it('refuses unknown fields and bad paths', () => {
    const errors = errorsOf({ services: [{ ...service, pathPrefix: 'v1', colour: 'red' }] });
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'services[0].pathPrefix' }),
        { path: 'services[0]', message: 'unknown field "colour"' },
      ]),
    );
  });

  it('accepts a Kubernetes serviceInfo upstream', () => {
    const result = validateWorkspace({ services: [{ name: 'k', upstream: { serviceInfo: { name: 'backend', namespace: 'apk', port: 80 } } }] });
    expect(result.ok).toBe(true);
  });

  it('exports a JSON Schema for editors', () => {
    const schema = workspaceJsonSchema() as { type: string; properties: Record<string, unknown> };
    expect(schema.type).toBe('object');
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['services', 'routes', 'consumers', 'gateway']));
    expect(JSON.stringify(schema)).toContain('"GET"');
  });

  it('formats odd keys readably', () => {
    expect(formatFieldPath(['a', 0, 'b-c', 'd'])).toBe('a[0]["b-c"].d');
    expect(formatFieldPath([])).toBe('(root)');
  });
});


describe('a service or route no request can reach', () => {
  const up = { url: 'http://127.0.0.1:8080' };
  const messages = (input: unknown) => {
    const result = validateWorkspace(input);
    return result.ok ? [] : describeFieldErrors(result.errors).split('\n');
  };

  it('is refused on its path field, naming the earlier one that takes its requests', () => {
    expect(messages({ services: [{ name: 'alpha', pathPrefix: '/same', upstream: up }, { name: 'beta', pathPrefix: '/same/', upstream: up }, { name: 'gamma', pathPrefix: '/same', upstream: up }] })).toEqual([
      'services[2].pathPrefix: "/same" is already service "alpha"\'s: no request would reach service "gamma"',
    ]);
    // The same hosts in another order and case; hosts a wildcard covers.
    expect(messages({ services: [{ name: 'alpha', pathPrefix: '/same', hosts: ['A.test', 'b.test'], upstream: up }, { name: 'beta', pathPrefix: '/same', hosts: ['b.test', 'a.test'], upstream: up }] })).toEqual([
      'services[1].pathPrefix: "/same" is already service "alpha"\'s (for the same hosts): no request would reach service "beta"',
    ]);
    expect(messages({ services: [{ name: 'alpha', pathPrefix: '/same', hosts: ['*.test'], upstream: up }, { name: 'beta', pathPrefix: '/same', hosts: ['b.test', '*.x.test'], upstream: up }] })).toEqual([
      'services[1].pathPrefix: "/same" is already service "alpha"\'s (for all of its hosts): no request would reach service "beta"',
    ]);
  });

  it('is refused as a route: one whose full path, kind, hosts and methods an earlier target takes (a route allowing GET takes HEAD)', () => {
    expect(messages({
      services: [{ name: 'whole', pathPrefix: '/api', upstream: up }, { name: 'api', pathPrefix: '/api', upstream: up }],
      routes: [
        { name: 'all', service: 'api', path: '/', methods: ['GET'] },
        { name: 'get', service: 'api', path: '/items', methods: ['GET', 'POST'] },
        { name: 'head', service: 'api', path: '/items', methods: ['HEAD', 'POST'] },
        { name: 'get-again', service: 'api', path: '/items', methods: ['POST', 'GET'] },
      ],
    })).toEqual([
      'routes[2].path: its full path "/api/items" is already route "get"\'s (for all of its methods): no request would reach route "head"',
      'routes[3].path: its full path "/api/items" is already route "get"\'s (for the same methods): no request would reach route "get-again"',
      'routes[0].path: its full path "/api" is already service "whole"\'s (for any method): no request would reach route "all"',
    ]);
  });

  it('is refused as a Kyma application\'s service, which is routed after the workspace\'s own, on its display name', () => {
    expect(messages({
      services: [{ name: 'orders-api', pathPrefix: '/orders/api', upstream: up }],
      applications: [{ name: 'orders', services: [{ id: '1', name: 'api', displayName: 'API', entries: [{ type: 'API', targetUrl: 'https://orders.example.com' }] }] }],
    })).toEqual(['applications[0].services[0].displayName: "/orders/api" is already service "orders-api"\'s: no request would reach service "orders/api"']);
  });

  it('is not refused when some request reaches each: other hosts, other methods, the other kind, other routes, a longer path', () => {
    const legitimate = {
      services: [
        { name: 'a-host', pathPrefix: '/same', hosts: ['a.test'], upstream: up },
        { name: 'b-host', pathPrefix: '/same', hosts: ['b.test', 'a.test'], upstream: up },
        { name: 'any-host', pathPrefix: '/same', upstream: up },
        { name: 'wild', pathPrefix: '/w', hosts: ['a.x.test'], upstream: up },
        { name: 'wilder', pathPrefix: '/w', hosts: ['*.x.test'], upstream: up },
        { name: 'routed', pathPrefix: '/same', upstream: up },
        { name: 'slash', pathPrefix: '/same/', upstream: up },
      ],
      routes: [
        { name: 'routed-x', service: 'routed', path: '/x' },
        { name: 'read', service: 'routed', path: '/y', methods: ['GET'] },
        { name: 'write', service: 'routed', path: '/y', methods: ['POST'] },
        { name: 'read-write', service: 'routed', path: '/y', methods: ['GET', 'PUT'] },
        { name: 'exact', service: 'routed', path: '/x', match: 'exact' },
        { name: 'elsewhere', service: 'routed', path: '/x', hosts: ['c.test'] },
      ],
    };
    expect(messages(legitimate)).toEqual([]);
  });

  it('is reported once for two services of one name, as the duplicate name', () => {
    expect(messages({ services: [{ name: 'svc', upstream: up }, { name: 'svc', upstream: up }] })).toEqual(['services[1].name: duplicate service name "svc"']);
  });
});

describe('consumer names', () => {
  it('refuses spaces at either end of a name, id or custom id ("alex " would be a second "alex")', () => {
    expect(errorsOf({ consumers: [{ username: 'alex' }, { username: 'alex ', id: ' 7', customId: '\u00a0x' }] })).toEqual([
      { path: 'consumers[1].username', message: 'no spaces at the start or end' },
      { path: 'consumers[1].id', message: 'no spaces at the start or end' },
      { path: 'consumers[1].customId', message: 'no spaces at the start or end' },
    ]);
    // Inside a name they are text like any other.
    expect(validateWorkspace({ consumers: [{ username: 'Alex Smith', customId: 'A 7' }] }).ok).toBe(true);
  });

  it('refuses them at either end of a basic-auth login too ("b ", "b" and " b" would all reach the upstream as "b"), naming the login', () => {
    const password = { secret: 'pw', key: 'password' };
    expect(errorsOf({ consumers: [{ username: 'one', basicAuth: { username: 'b ', password } }, { username: 'two', basicAuth: { username: 'b', password } }, { username: 'three', basicAuth: { username: '\tb', password } }, { username: 'four', basicAuth: { username: '\u00a0b', password } }] })).toEqual([
      { path: 'consumers[0].basicAuth.username', message: 'no spaces at the start or end of a basic-auth username' },
      { path: 'consumers[2].basicAuth.username', message: 'no control characters (tabs, line breaks, U+007F–U+009F, …) in a basic-auth username' },
      { path: 'consumers[2].basicAuth.username', message: 'no spaces at the start or end of a basic-auth username' },
      { path: 'consumers[3].basicAuth.username', message: 'no spaces at the start or end of a basic-auth username' },
    ]);
    expect(validateWorkspace({ consumers: [{ username: 'one', basicAuth: { username: 'b b', password } }] }).ok).toBe(true);
  });

  // A C1 control is a control still, where a client signs in with UTF-8 (PRECIS, RFC 8264 §9.11), and most often
  // windows-1252 text decoded wrongly (… as U+0085): refused as the realm's rule refuses it (accepted until 3 Dec).
  it('refuses C1 controls (U+0080–U+009F) in a name, id, custom id, login or anonymous consumer, naming the field', () => {
    const password = { secret: 'pw', key: 'password' };
    const c1 = 'no control characters (tabs, line breaks, U+007F–U+009F, …)';
    expect(errorsOf({
      services: [{ name: 's', upstream: { url: 'http://127.0.0.1:1' }, plugins: { 'basic-auth': { anonymousConsumer: 'guest\u0080' } } }],
      consumers: [{ username: 'nel\u0085x', id: 'i\u009f', customId: 'c\u0090' }, { username: 'two', basicAuth: { username: 'b\u0085', password } }, { username: 'guest\u0080' }],
    })).toEqual([
      { path: 'services[0].plugins["basic-auth"].anonymousConsumer', message: c1 },
      { path: 'consumers[0].username', message: c1 },
      { path: 'consumers[0].id', message: c1 },
      { path: 'consumers[0].customId', message: c1 },
      { path: 'consumers[1].basicAuth.username', message: `${c1} in a basic-auth username` },
      { path: 'consumers[2].username', message: c1 },
    ]);
    // U+00A0 and above are text: `jürgen` stays a name.
    expect(validateWorkspace({ consumers: [{ username: 'j\u00fcrgen\u00a0b' }] }).ok).toBe(true);
  });
});
