// What a workspace's refusal says of each field: the field's path and what is wrong with it in words, never zod's
// generic "Invalid input" of a whole upstream or its "expected string, received undefined" for a field left out.
import { describe, expect, it } from 'vitest';
import { validateWorkspace } from '../../../gateway/config/validate';

const errorsOf = (input: unknown) => {
  const result = validateWorkspace(input);
  if (result.ok) throw new Error('accepted');
  return result.errors;
};
const service = (over: Record<string, unknown>) => ({ services: [{ name: 'a', pathPrefix: '/a', upstream: { url: 'http://127.0.0.1:8080' }, ...over }] });

describe('field errors of a workspace', () => {
  it('says a field left out is required, and what it expects', () => {
    expect(errorsOf({ services: [{ pathPrefix: '/a', upstream: { url: 'http://x.test' } }] })).toEqual([{ path: 'services[0].name', message: 'required: expected string' }]);
    expect(errorsOf({ services: [{ name: 'a', pathPrefix: '/a' }] })).toEqual([{ path: 'services[0].upstream', message: 'required' }]);
  });

  it('says an empty document is empty', () => {
    expect(errorsOf(null)).toEqual([{ path: '(root)', message: 'empty: expected object' }]);
  });

  it('judges an upstream as the shape it has, naming the field inside it', () => {
    expect(errorsOf(service({ upstream: { url: 5 } }))).toEqual([{ path: 'services[0].upstream.url', message: 'expected string, received number' }]);
    expect(errorsOf(service({ upstream: { serviceInfo: { name: 'svc', port: 0 } } }))).toEqual([{ path: 'services[0].upstream.serviceInfo.port', message: 'a port is a whole number from 1 to 65535' }]);
    // Neither shape, or both equally far: what an upstream is.
    for (const upstream of [{}, 'http://x.test']) {
      expect(errorsOf(service({ upstream }))).toEqual([{ path: 'services[0].upstream', message: 'expected either url (an http:// or https:// URL) or serviceInfo (a Kubernetes Service: name, namespace, port)' }]);
    }
  });

  it('says sizes in words where the schema gave no rule of its own', () => {
    expect(errorsOf({ consumers: [{ username: '' }] })).toEqual([{ path: 'consumers[0].username', message: 'must not be empty' }]);
    expect(errorsOf({ consumers: [{ username: 'a', customId: 'x'.repeat(257) }] })).toEqual([{ path: 'consumers[0].customId', message: 'at most 256 characters' }]);
    expect(errorsOf(service({ timeouts: { connectMs: 0 } }))).toEqual([{ path: 'services[0].timeouts.connectMs', message: 'at least 1' }]);
  });
});
