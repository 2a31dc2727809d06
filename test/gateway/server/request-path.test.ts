// A request path is normalised as a path, never as a URL relative to the gateway: a leading "//" or "/\" must
// not become a host name that drops out of the path (found by the routing property test with the target "/\").
import { describe, expect, it } from 'vitest';
import { parseRequestTarget } from '../../../gateway/server/request-path';

describe('parseRequestTarget', () => {
  it.each([
    ['/\\', '//'],
    ['/\\evil/secret', '//evil/secret'],
    ['//evil/./secret', '//evil/secret'],
    ['/a\\..\\b', '/b'],
    ['/a/../b', '/b'],
    ['/..', '/'],
  ])('keeps every segment of %j as a path: %j', (target, path) => {
    expect(parseRequestTarget(target)).toEqual({ ok: true, path, query: '' });
  });

  it('keeps the query apart', () => {
    expect(parseRequestTarget('/\\x/./y?a=b')).toEqual({ ok: true, path: '//x/y', query: '?a=b' });
  });
});
