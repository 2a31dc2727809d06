// Node's parser names an overlong target and overlong header fields alike (HPE_HEADER_OVERFLOW); the gateway tells
// them apart by the read the parser stopped in (rawPacket) and where (bytesParsed), as Node reports them. Over a
// socket the reads fall where the kernel puts them, so the cases a test cannot place are checked here.
import { describe, expect, it } from 'vitest';
import { overflowInTarget } from '../../../gateway/server/parser-error-answers';

/** An overflow error as Node builds it: the read, and the parser's stop at `marker` (removed) or the read's end. */
function overflow(read: string): Error {
  const at = read.indexOf('|');
  const raw = Buffer.from(read.replace('|', ''), 'latin1');
  return Object.assign(new Error('Parse Error: Header overflow'), { code: 'HPE_HEADER_OVERFLOW', rawPacket: raw, bytesParsed: at < 0 ? raw.length : at });
}

const a = 'a'.repeat(100);

describe('overflowInTarget', () => {
  it.each([
    ['the target ends in the read', `GET /${a}| HTTP/1.1\r\nHost: x\r\n\r\n`, 100_000],
    ['the target ends in a later read than it began', `${a}| HTTP/1.1\r\nHost: x\r\n\r\n`, 100_000],
    ["the read ends in the connection's first line (all it has read)", `GET /${a}`, `GET /${a}`.length],
    ['the read ends in a request line begun after a line feed', `GET / HTTP/1.1\r\nHost: x\r\n\r\nPOST http://x/${a}`, 100_000],
  ])('a target: %s', (_name, read, connectionBytesRead) => {
    expect(overflowInTarget(overflow(read), connectionBytesRead)).toBe(true);
  });

  it.each([
    ['a header value ends in the read', `GET / HTTP/1.1\r\nX-Big: ${a}\r|\nHost: x\r\n\r\n`],
    ['the read ends in a header line', `GET / HTTP/1.1\r\nX-Big: GET /${a}`],
    // A later read without a line feed: the middle of a long target or of a header value, which cannot be told apart.
    ['a later read ends in a line begun before it', `GET /${a}`],
    ['a later read ends in a line begun before it, no method in sight', a],
  ])('not a target: %s', (_name, read) => {
    expect(overflowInTarget(overflow(read), 100_000)).toBe(false);
  });
});
