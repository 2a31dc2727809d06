import { describe, expect, it } from 'vitest';
import { joinPaths } from '../../../gateway/config/route-paths';
import { Router } from '../../../gateway/routing/router';
import { Workspace } from '../../../gateway/config/schema';

describe('joinPaths: the path a route answers to', () => {
  it.each([
    ['/', '/orders', '/orders'],
    ['', '/orders', '/orders'],
    ['/api', '/orders', '/api/orders'],
    ['/api/', '/orders', '/api/orders'],
    ['/api', '/', '/api'],
    ['/api/', '/', '/api'],
    ['/', '/', '/'],
  ])('%s + %s = %s', (prefix, path, joined) => {
    expect(joinPaths(prefix, path)).toBe(joined);
  });

  it('is the path the gateway router matches a route on', () => {
    const ws = Workspace.parse({
      services: [{ name: 'shop', pathPrefix: '/api/', upstream: { url: 'http://shop.test' } }],
      routes: [{ name: 'orders', service: 'shop', path: '/orders', match: 'exact' }],
    });
    const router = new Router(ws.services, ws.routes);
    const match = router.match('GET', joinPaths('/api/', '/orders'), 'localhost');
    expect(match.kind === 'matched' && match.target.path).toBe('/api/orders');
  });
});
