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

