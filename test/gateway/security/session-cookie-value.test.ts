import { describe, expect, it } from 'vitest';
import { cookieForHeader } from '../../../gateway/security/session-cookie-value';

describe('cookieForHeader', () => {
  it('sends cookie-octets as they came, a quoted value included', () => {
    expect(cookieForHeader('S', 'abc')).toEqual({ ok: true, value: 'abc' });
    expect(cookieForHeader('S', '"abc"')).toEqual({ ok: true, value: '"abc"' });
    expect(cookieForHeader('S', 'sap-client=100')).toEqual({ ok: true, value: 'sap-client=100' });
    expect(cookieForHeader('S', '')).toEqual({ ok: true, value: '' });
  });

  it('quotes a value holding a space or a comma, as Go’s net/http (Cookie.String) sends it, and keeps quotes it came in', () => {
    expect(cookieForHeader('SESSION', 'sess5 x')).toEqual({ ok: true, value: '"sess5 x"' });
    expect(cookieForHeader('SESSION', 'sess6,y')).toEqual({ ok: true, value: '"sess6,y"' });
    expect(cookieForHeader('SESSION', '"sess5 x"')).toEqual({ ok: true, value: '"sess5 x"' });
  });

  it('says why a cookie cannot be sent, never quoting its value', () => {
    expect(cookieForHeader('S', 'a\tb')).toEqual({ ok: false, fault: 'value', problem: 'its value holds a control character' });
    expect(cookieForHeader('S', 'a\x7fb')).toEqual({ ok: false, fault: 'value', problem: 'its value holds a control character' });
    expect(cookieForHeader('S', 'café')).toEqual({ ok: false, fault: 'value', problem: 'its value holds a character outside ASCII' });
    expect(cookieForHeader('S', 'a"b')).toEqual({ ok: false, fault: 'value', problem: 'its value holds a double quote or a backslash' });
    expect(cookieForHeader('S', '"ab')).toEqual({ ok: false, fault: 'value', problem: 'its value holds a double quote or a backslash' });
    expect(cookieForHeader('S', 'a\\b')).toEqual({ ok: false, fault: 'value', problem: 'its value holds a double quote or a backslash' });
    expect(cookieForHeader('bad name', 'x')).toEqual({ ok: false, fault: 'name', problem: 'its name is not an RFC 9110 token' });
  });
});
