// Property tests of the `Authorization: Basic` parser against a reference written here from the RFCs alone:
// a regex of RFC 9110's grammar, a base64 decoder of RFC 4648 §4 that refuses non-canonical input, a UTF-8
// decoder of RFC 3629, and RFC 7617 §2's rules on the decoded text. None of it shares code with the parser.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodeBasicAuthorization, parseBasicAuthorization, type ParsedBasicCredentials } from '../../gateway/auth/basic-credentials';

const RUNS = { numRuns: 3000 };

// RFC 9110 §11.4: credentials = auth-scheme [ 1*SP ( token68 / #auth-param ) ]; §5.6.2 token; §11.2
// token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
// Two deliberate allowances of the parser (test/gateway/auth/basic-credentials.test.ts): HTAB also separates the
// scheme from the token, and trailing OWS is ignored (RFC 9110 §5.5: it is not part of a field value). Leading
// OWS never reaches the parser (Node's HTTP parser removes it) and is refused.
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const TOKEN68 = '[A-Za-z0-9._~+/-]+=*';
const SEPARATOR = '[ \\t]+'; // the RFC's 1*SP, plus HTAB
const CREDENTIALS = new RegExp(`^(${TOKEN})${SEPARATOR}(${TOKEN68})[ \\t]*$`);

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** RFC 4648 §4 with padding required (§3.2) and non-zero pad bits refused (§3.5, canonical encoding). */
function strictBase64(text: string): number[] | undefined {
  if (text.length === 0 || text.length % 4 !== 0) return undefined;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const data = text.slice(0, text.length - padding);
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of data) {
    const value = BASE64_ALPHABET.indexOf(char);
    if (value < 0) return undefined; // also a "=" anywhere but at the end
    buffer = (buffer << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
      buffer &= (1 << bits) - 1;
    }
  }
  // 4n chars carry 3n bytes; 2 or 3 data chars before padding carry 1 or 2 bytes and leave 4 or 2 bits over.
  if (bits !== { 0: 0, 1: 2, 2: 4 }[padding]) return undefined;
  if (buffer !== 0) return undefined;
  return bytes;
}

/** RFC 3629 §4: shortest form only, no surrogates, nothing above U+10FFFF. A BOM is a character like any other. */
function strictUtf8(bytes: number[]): string | undefined {
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    const b0 = bytes[i]!;
    const continuation = (k: number, low = 0x80, high = 0xbf) => {
      const b = bytes[i + k];
      return b !== undefined && b >= low && b <= high;
    };
    let codePoint: number;
    let length: number;
    if (b0 <= 0x7f) [codePoint, length] = [b0, 1];
    else if (b0 >= 0xc2 && b0 <= 0xdf && continuation(1)) [codePoint, length] = [b0 & 0x1f, 2];
    else if (b0 === 0xe0 && continuation(1, 0xa0) && continuation(2)) [codePoint, length] = [0, 3];
    else if (((b0 >= 0xe1 && b0 <= 0xec) || b0 === 0xee || b0 === 0xef) && continuation(1) && continuation(2)) [codePoint, length] = [b0 & 0x0f, 3];
    else if (b0 === 0xed && continuation(1, 0x80, 0x9f) && continuation(2)) [codePoint, length] = [0x0d, 3];
    else if (b0 === 0xf0 && continuation(1, 0x90) && continuation(2) && continuation(3)) [codePoint, length] = [0, 4];
    else if (b0 >= 0xf1 && b0 <= 0xf3 && continuation(1) && continuation(2) && continuation(3)) [codePoint, length] = [b0 & 0x07, 4];
    else if (b0 === 0xf4 && continuation(1, 0x80, 0x8f) && continuation(2) && continuation(3)) [codePoint, length] = [4, 4];
    else return undefined;
    for (let k = 1; k < length; k += 1) codePoint = (codePoint << 6) | (bytes[i + k]! & 0x3f);
    out += String.fromCodePoint(codePoint);
    i += length;
  }
  return out;
}

// eslint-disable-next-line no-control-regex -- RFC 5234 CTL and the C1 controls (Unicode Cc), matched on purpose
const CONTROL = /[\x00-\x1f\x7f-\x9f]/;

function reference(value: string): ParsedBasicCredentials {
  const match = CREDENTIALS.exec(value);
  if (!match || match[1]!.toLowerCase() !== 'basic') return { kind: 'invalid' };
  const bytes = strictBase64(match[2]!);
  if (!bytes) return { kind: 'invalid' };
  const text = strictUtf8(bytes);
  if (text === undefined) return { kind: 'invalid' };
  // RFC 7617 §2: user-id ":" password, the user-id without a colon; neither may contain a control character
  // (well-formed otherwise, such credentials are told apart: they are wrong credentials, not a malformed header).
  const colon = text.indexOf(':');
  if (colon < 0) return { kind: 'invalid' };
  if (CONTROL.test(text)) return { kind: 'control-characters' };
  return { kind: 'credentials', username: text.slice(0, colon), password: text.slice(colon + 1) };
}

// --- generators ----------------------------------------------------------------------------------------

const anyText = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary-ascii' }), fc.string({ unit: 'grapheme' }));
const credentialText = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom('', ':', 'a:b', '\t', ' ', '\uFEFF', '\u0000', '\u007f', 'ü', '東京', '\u{1F431}') },
);
/** Mostly one of the valid forms, sometimes one of the invalid ones, so both verdicts are common. */
const mostly = (valid: string[], invalid: string[]) =>
  fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...valid) }, { weight: 1, arbitrary: fc.constantFrom(...invalid) });
const scheme = mostly(['Basic', 'basic', 'BASIC', 'bAsIc'], ['Basi', 'Basics', 'Bearer', 'Digest', 'B', '', 'Basic:', 'Bas ic']);
const separator = mostly([' ', '  ', '\t', ' \t '], ['', '\u00a0', '\r\n', ',', '=']);
const trailing = mostly(['', ' ', '\t', ' \t'], [' x', ',', '\r\n', '\u00a0', '=', '==']);
const leading = mostly([''], [' ', '\t', 'x ', 'Basic ']);

const utf8Token = fc.tuple(credentialText, credentialText, fc.constantFrom(':', ':', '', '::')).map(([user, password, colon]) =>
  Buffer.from(`${user}${colon}${password}`, 'utf8').toString('base64'),
);
const byteToken = fc.uint8Array({ maxLength: 24 }).map((bytes) => Buffer.from(bytes).toString('base64'));
const bomToken = credentialText.map((text) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${text}:pw`, 'utf8')]).toString('base64'));

/** Small edits that turn a valid token into an almost-valid one. */
function mutate(token: string): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 8, arbitrary: fc.constant(token) },
    fc.constant(token.replace(/=+$/, '')), // padding dropped
    fc.constant(`${token}=`),
    fc.constant(`${token}A`),
    fc.constant(`=${token}`),
    fc.constant(token.replace(/\+/g, '-').replace(/\//g, '_')), // URL-safe alphabet
    fc.nat({ max: Math.max(token.length - 1, 0) }).chain((at) =>
      fc.constantFrom('-', '.', '_', '~', '=', ' ', '!', 'é').map((c) => token.slice(0, at) + c + token.slice(at + 1)),
    ),
    fc.nat({ max: 63 }).map((v) => {
      // Changes the last data character, so the pad bits become non-zero (non-canonical) or the data changes.
      const data = token.replace(/=+$/, '');
      if (data.length === 0) return token;
      return data.slice(0, -1) + BASE64_ALPHABET[v] + token.slice(data.length);
    }),
  );
}

const token = fc.oneof({ weight: 4, arbitrary: utf8Token }, { weight: 1, arbitrary: byteToken }, { weight: 1, arbitrary: bomToken }, { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9+/=_.~-]{0,16}$/) }).chain(mutate);

const headerValue = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(leading, scheme, separator, token, trailing).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: anyText },
  { weight: 1, arbitrary: fc.tuple(scheme, separator, anyText).map((parts) => parts.join('')) },
);

// --- properties ------------------------------------------------------------------------------------------

describe('Authorization: Basic parser (property-based, RFC 7617)', () => {
  it('the reference itself agrees with the RFC examples', () => {
    // RFC 7617 §2 and §2.1.
    expect(reference('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==')).toEqual({ kind: 'credentials', username: 'Aladdin', password: 'open sesame' });
    expect(reference('Basic dGVzdDoxMjPCow==')).toEqual({ kind: 'credentials', username: 'test', password: '123£' });
    expect(reference('Basic YR==')).toEqual({ kind: 'invalid' });
    expect(reference('Basic 77u/YTpi')).toEqual({ kind: 'credentials', username: '\uFEFFa', password: 'b' });
    expect(reference('Basic YmFyOmJhcgo=')).toEqual({ kind: 'control-characters' });
  });

  it('never throws, whatever the header value', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, headerValue), (value) => {
        parseBasicAuthorization(value);
      }),
      RUNS,
    );
  });

  it('gives the same verdict as the reference', () => {
    fc.assert(
      fc.property(headerValue, (value) => {
        expect(parseBasicAuthorization(value)).toEqual(reference(value));
      }),
      RUNS,
    );
  });

  it('accepts only what the RFC accepts: the token is the canonical base64 of "user-id:password" in UTF-8', () => {
    fc.assert(
      fc.property(headerValue, (value) => {
        const parsed = parseBasicAuthorization(value);
        if (parsed.kind !== 'credentials') return;
        const token = CREDENTIALS.exec(value)?.[2];
        expect(token).toBeDefined();
        expect(parsed.username).not.toContain(':');
        expect(parsed.username + parsed.password).not.toMatch(CONTROL);
        expect(Buffer.from(`${parsed.username}:${parsed.password}`, 'utf8').toString('base64')).toBe(token);
      }),
      RUNS,
    );
  });

  it('reads back every credential a client can send', () => {
    const field = fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !CONTROL.test(s));
    fc.assert(
      fc.property(field.filter((s) => !s.includes(':')), field, (username, password) => {
        expect(parseBasicAuthorization(encodeBasicAuthorization(username, password))).toEqual({ kind: 'credentials', username, password });
      }),
      RUNS,
    );
  });
});
