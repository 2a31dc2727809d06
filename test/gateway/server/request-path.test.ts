// A request path is normalised as a path, never as a URL relative to the gateway: a leading "//" or "/\" must
// not become a host name that drops out of the path (found by the routing property test with the target "/\"); and
// its empty segments are merged, as nginx and Tomcat read them.
import { describe, expect, it } from 'vitest';
import { parseRequestTarget } from '../../../gateway/server/request-path';

describe('parseRequestTarget', () => {
  it.each([
    ['/\\', '/'],
    ['/\\evil/secret', '/evil/secret'],
    ['//evil/./secret', '/evil/secret'],
    ['/a\\..\\b', '/b'],
    ['/a/../b', '/b'],
    ['/..', '/'],
  ])('keeps every segment of %j as a path: %j', (target, path) => {
    expect(parseRequestTarget(target)).toEqual({ ok: true, path, query: '' });
  });

  it.each([
    ['//admin/x', '/admin/x'],
    ['///admin//x//', '/admin/x/'],
    ['/admin//x', '/admin/x'],
    ['/a/.//b', '/a/b'],
    ['/a//../b', '/a/b'],
    ['http://h.test//admin/x', '/admin/x'],
  ])('merges the empty segments of %j: %j', (target, path) => {
    expect(parseRequestTarget(target)).toMatchObject({ ok: true, path, query: '' });
  });

  it.each([
    ['/admin{x}/a', '/admin%7Bx%7D/a'],
    ['/p/{id}/x%20', '/p/%7Bid%7D/x%20'],
    ['/q/"a"/<b>/`c`', '/q/%22a%22/%3Cb%3E/%60c%60'],
    ['/plain/path-1_2.3~', '/plain/path-1_2.3~'],
  ])('percent-encodes what a URI cannot hold as it is, whatever else %j holds: %j', (target, path) => {
    expect(parseRequestTarget(target)).toEqual({ ok: true, path, query: '' });
  });

  it('keeps the query apart, its slashes as sent', () => {
    expect(parseRequestTarget('/\\x/./y?a=b//c')).toEqual({ ok: true, path: '/x/y', query: '?a=b//c' });
  });

  it('marks asterisk-form (RFC 9112 §3.2.4), only `*` itself, for the caller to answer OPTIONS', () => {
    expect(parseRequestTarget('*')).toMatchObject({ ok: false, asteriskForm: true, message: expect.stringMatching(/only for OPTIONS/) });
    for (const target of ['*?a=b', '**', '*/x']) expect(parseRequestTarget(target)).not.toHaveProperty('asteriskForm');
  });
});
