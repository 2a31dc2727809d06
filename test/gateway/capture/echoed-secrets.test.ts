// The inspector's search for an exchange's credential values in what a backend echoed: each value found however
// JSON, a URL or a form wrote it, everything around it left as it was, and values too short to be credentials
// left alone.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EchoedSecrets } from '../../../gateway/capture/echoed-secrets';

const MASK = '••••••••';
const mask = (secrets: string[], text: string, decode = true) => new EchoedSecrets(secrets).maskBytes(Buffer.from(text, 'utf8'), Buffer.from(MASK), decode).toString('utf8');

/** JSON's escapes as Python's json.dumps (ensure_ascii) and PHP's json_encode write them: `\u00e4`, `\/`. */
function asciiJson(value: string, upper = false): string {
  const escaped = JSON.stringify(value).slice(1, -1).replace(/\//g, '\\/').replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return upper ? escaped.replace(/\\u([0-9a-f]{4})/g, (_, h: string) => `\\u${h.toUpperCase()}`) : escaped;
}
/** JSON as Go's encoding/json writes it: `<`, `>` and `&` as `\u003c`, `\u003e`, `\u0026`, the rest as UTF-8. */
const goJson = (value: string) => JSON.stringify(value).slice(1, -1).replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
const formEncoded = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);
const lowerHex = (encoded: string) => encoded.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase());

const ENCODERS: Record<string, (value: string) => string> = {
  raw: (v) => v,
  json: (v) => JSON.stringify(v).slice(1, -1),
  'json, ASCII and \\/': (v) => asciiJson(v),
  'json, upper-case \\u': (v) => asciiJson(v, true),
  'json as Go writes it': goJson,
  encodeURIComponent,
  'form (+ for space)': formEncoded,
  'percent, lower-case hex': (v) => lowerHex(encodeURIComponent(v)),
  'a URL inside JSON': (v) => asciiJson(`https://x.example/cb?p=${formEncoded(v)}`),
  base64: (v) => Buffer.from(v, 'utf8').toString('base64'),
  base64url: (v) => Buffer.from(v, 'utf8').toString('base64url'),
};

describe('EchoedSecrets', () => {
  const password = 'pw"with\\quote/ä ü+&<x>';

  for (const [name, encode] of Object.entries(ENCODERS)) {
    it(`masks a value written ${name}, and keeps what is around it`, () => {
      const encoded = encode(password);
      const masked = mask([password], `{"user":"svc","echo":"${encoded}","n":1}`);
      expect(masked).not.toContain(encoded);
      expect(masked).toMatch(/^\{"user":"svc","echo":"/);
      expect(masked).toMatch(/","n":1\}$/);
      expect(masked).toContain(MASK);
    });
  }

  it('masks the whole escape a value ends in, and nothing past it', () => {
    expect(mask(['caf\u00e9-secret'], '"caf\\u00E9-secret\\u0021"')).toBe(`"${MASK}\\u0021"`);
    expect(mask(['tok-ä'], 'a=tok-%C3%A4&b=tok-%c3%a4%20')).toBe(`a=${MASK}&b=${MASK}%20`);
  });

  it('masks two values that overlap once, a value inside another with it, and a value found both raw and decoded once', () => {
    expect(mask(['abcd1234', '1234wxyz'], 'x abcd1234wxyz y')).toBe(`x ${MASK} y`);
    expect(mask(['secret', 'secret123!'], 'x secret123! y secret z')).toBe(`x ${MASK} y ${MASK} z`);
    expect(mask(['a b c d'], 'q=a+b+c+d a b c d')).toBe(`q=${MASK} ${MASK}`);
  });

  it('leaves values shorter than four characters alone, so that they do not mangle everything', () => {
    const secrets = new EchoedSecrets(['on', 'abc', '']);
    expect(secrets.none).toBe(true);
    expect(secrets.maskText('debug=on&abc=abc', MASK)).toBe('debug=on&abc=abc');
    expect(mask(['on', 'long-one'], 'on and on: long-one')).toBe(`on and on: ${MASK}`);
  });

  it('reads binary data only as it is, escapes meaning nothing there', () => {
    const encoded = encodeURIComponent(password);
    expect(mask([password], `raw ${password} and ${encoded}`, false)).toBe(`raw ${MASK} and ${encoded}`);
  });

  it('takes a backslash, percent sign or plus that starts no escape as itself', () => {
    expect(mask(['50%off\\x+y'], '[50%off\\x+y] [50%off\\\\x+y] \\u12 %G1 \\')).toBe(`[${MASK}] [${MASK}] \\u12 %G1 \\`);
    // A lone surrogate's escape stays as written: no credential holds one.
    expect(mask(['abcd'], '"\\ud800abcd"')).toBe(`"\\ud800${MASK}"`);
    expect(mask(['a😀bc'], '"a\\ud83d\\ude00bc"')).toBe(`"${MASK}"`);
  });

  it('finds a UTF-8 value in a header value read as latin1, as Node gives them, and in a URL', () => {
    const asHeader = Buffer.from(`Bearer tök-1234`, 'utf8').toString('latin1');
    expect(new EchoedSecrets(['tök-1234']).maskText(`x ${asHeader} y`, MASK)).toBe(`x Bearer ${MASK} y`);
    expect(new EchoedSecrets(['qp SECRET/333ü']).maskText('/cb?a=qp%20SECRET%2F333%C3%BC&b=2', '%E2%80%A2')).toBe('/cb?a=%E2%80%A2&b=2');
    expect(new EchoedSecrets(['wért-1234']).maskText('a wért-1234 b', MASK)).toBe(`a ${MASK} b`);
  });

  it('masks any value however it was written, whatever characters it holds', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 4, maxLength: 24 }), fc.constantFrom(...Object.keys(ENCODERS)), (value, name) => {
        fc.pre(Buffer.from(value, 'utf8').toString('utf8') === value && !value.includes('|'));
        const encoded = ENCODERS[name]!(value);
        const masked = mask([value], `|${encoded}|`);
        expect(masked).not.toContain(encoded);
        expect(masked.startsWith('|') && masked.endsWith('|')).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
