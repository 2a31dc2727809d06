import { describe, expect, it } from 'vitest';
import { effectiveBasicAuth } from '../../../gateway/config/effective-basic-auth';
import { Workspace } from '../../../gateway/config/schema';

const ws = Workspace.parse({
  services: [
    { name: 'on', upstream: { url: 'http://a.test' }, plugins: { 'basic-auth': { realm: 'svc' } } },
    { name: 'off', upstream: { url: 'http://b.test' }, plugins: { 'basic-auth': { enabled: false } } },
    { name: 'none', upstream: { url: 'http://c.test' } },
  ],
  routes: [
    { name: 'inherits', service: 'on', path: '/i' },
    { name: 'disables', service: 'on', path: '/d', plugins: { 'basic-auth': { enabled: false } } },
    { name: 'own-realm', service: 'on', path: '/o', plugins: { 'basic-auth': { realm: 'route' } } },
    { name: 'enables', service: 'off', path: '/e', plugins: { 'basic-auth': { realm: 'route' } } },
    { name: 'plain', service: 'none', path: '/p' },
  ],
});
const service = (name: string) => ws.services.find((s) => s.name === name)!;
const route = (name: string) => ws.routes.find((r) => r.name === name)!;

describe("effectiveBasicAuth: a route's basic-auth plugin overrides its service's", () => {
  it("applies the service's plugin to a route without one, and to the service reached without routes", () => {
    expect(effectiveBasicAuth(route('inherits'), service('on'))?.realm).toBe('svc');
    expect(effectiveBasicAuth(undefined, service('on'))?.realm).toBe('svc');
  });

  it("lets a route's disabled plugin switch the service's off, and its own enabled one switch it on", () => {
    expect(effectiveBasicAuth(route('disables'), service('on'))).toBeUndefined();
    expect(effectiveBasicAuth(route('own-realm'), service('on'))?.realm).toBe('route');
    expect(effectiveBasicAuth(route('enables'), service('off'))?.realm).toBe('route');
  });

  it('applies nothing when neither has an enabled plugin', () => {
    expect(effectiveBasicAuth(undefined, service('off'))).toBeUndefined();
    expect(effectiveBasicAuth(route('plain'), service('none'))).toBeUndefined();
  });
});
