// Bodies that are not what their Content-Type says, for the tests of how captured bodies are shown and exported.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** JSON with a byte sequence that is not UTF-8 (c3 28, then ff) inside a string. */
export const NOT_UTF8_JSON = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]);
/** "café" in ISO-8859-1: é is the single byte e9, not valid UTF-8. */
export const LATIN1_CAFE = Buffer.from([0x63, 0x61, 0x66, 0xe9]);
/** A request body sent as application/json that is not UTF-8 (the acceptance tester's). */
export const NOT_UTF8_POST = Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0xc3]);

/** Answers `/bad-json` and `/latin1` (whatever the prefix before them); false for any other path. */
export function answerOddBody(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.url?.endsWith('/bad-json')) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(NOT_UTF8_JSON);
    return true;
  }
  if (req.url?.endsWith('/latin1')) {
    res.writeHead(200, { 'content-type': 'text/plain; charset=iso-8859-1' });
    res.end(LATIN1_CAFE);
    return true;
  }
  return false;
}
