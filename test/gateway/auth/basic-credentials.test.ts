import { describe, expect, it } from 'vitest';
import { parseBasicAuthorization, unpresentableCredentials } from '../../../gateway/auth/basic-credentials';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

describe('parseBasicAuthorization (RFC 7617)', () => {
  it.each([
    ['Basic', `Basic ${b64('alex:123456')}`],
    ['basic', `basic ${b64('alex:123456')}`],
    ['BASIC', `BASIC ${b64('alex:123456')}`],
    ['bAsIc', `bAsIc ${b64('alex:123456')}`],
    ['tab separator', `Basic\t${b64('alex:123456')}`],
    ['several spaces', `Basic   ${b64('alex:123456')}`],
    ['trailing space', `Basic ${b64('alex:123456')} `],
  ])('accepts the scheme written %s', (_label, header) => {
    expect(parseBasicAuthorization(header)).toEqual({ kind: 'credentials', username: 'alex', password: '123456' });
  });

  it('splits on the first colon only', () => {
    expect(parseBasicAuthorization(`Basic ${b64('alex:pa:ss:word')}`)).toEqual({ kind: 'credentials', username: 'alex', password: 'pa:ss:word' });
  });

  it('decodes UTF-8 and keeps whitespace inside credentials', () => {
    expect(parseBasicAuthorization(`Basic ${b64('jöhn 東京: pass word ')}`)).toEqual({ kind: 'credentials', username: 'jöhn 東京', password: ' pass word ' });
  });

  it('keeps a leading byte order mark as part of the user-id', () => {
    expect(parseBasicAuthorization(`Basic ${b64('\uFEFFalex:123456')}`)).toEqual({ kind: 'credentials', username: '\uFEFFalex', password: '123456' });
  });

  it('returns an empty password as such (the store never matches it)', () => {
    expect(parseBasicAuthorization(`Basic ${b64('alex:')}`)).toEqual({ kind: 'credentials', username: 'alex', password: '' });
  });

  it.each([
    ['scheme alone', 'Basic'],
    ['scheme and space', 'Basic '],
    ['other scheme', `Bearer ${b64('alex:123456')}`],
    ['scheme not at start', `x Basic ${b64('alex:123456')}`],
    ['leading space', ` Basic ${b64('alex:123456')}`],
    ['no separator', `Basic${b64('alex:123456')}`],
    ['no colon', `Basic ${b64('alex')}`],
    ['missing padding', `Basic ${b64('alex:12345').replace(/=+$/, '')}`],
    ['text after padding', `Basic ${b64('alex:12345')}xyz`],
    ['second token', `Basic ${b64('alex:123456')} ${b64('bob:1')}`],
    ['bad base64 characters', 'Basic !!!!'],
    ['url-safe alphabet', `Basic ${b64('a?>:~~~').replace(/\+/g, '-').replace(/\//g, '_')}`],
    ['non-canonical trailing bits', 'Basic YR=='],
    ['invalid UTF-8', `Basic ${Buffer.from([0x61, 0x3a, 0xff, 0xfe]).toString('base64')}`],
    ['control characters but no colon', `Basic ${b64('alex\n')}`],
  ])('rejects %s', (_label, header) => {
    expect(parseBasicAuthorization(header)).toEqual({ kind: 'invalid' });
  });

  it.each([
    ['a control character in the password', `Basic ${b64('alex:12\t3456')}`],
    ['a control character in the user-id', `Basic ${b64('al\u0000ex:123456')}`],
    ['DEL', `Basic ${b64('alex:123456\u007f')}`],
    // In the UTF-8 the challenge announces, C1 controls are controls too (PRECIS, RFC 8264 §9.11).
    ['a C1 control (U+0085) in the password', `Basic ${b64('alex:12\u00853456')}`],
    ['a C1 control (U+009F) in the user-id', `Basic ${b64('al\u009fex:123456')}`],
    ["a trailing line feed (APISIX's basic-auth.t TEST 9)", 'Basic YmFyOmJhcgo='],
  ])('tells well-formed credentials with %s apart from a malformed header, without returning them', (_label, header) => {
    expect(parseBasicAuthorization(header)).toEqual({ kind: 'control-characters' });
  });
});

describe('unpresentableCredentials: what a consumer may not be given, since no header the gateway accepts carries it', () => {
  it('refuses a C1 control in the login or the password, as a header holding one is refused', () => {
    expect(unpresentableCredentials('alex', 'pass\u0085word')).toBe('the password contains control characters (U+0080–U+009F); no client can send it');
    expect(unpresentableCredentials('al\u0080ex', 'password')).toBe('the username contains control characters (U+0080–U+009F)');
    expect(unpresentableCredentials('j\u00fcrgen', 'p\u00e4ss\u00a0word')).toBeUndefined();
  });
});
