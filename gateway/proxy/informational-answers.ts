// An upstream's informational (1xx) answers, relayed to the client: "A proxy MUST forward 1xx responses unless the
// proxy itself requested the generation of the 1xx response" (RFC 9110 §15.2). Node's server can send three of
// them: 100 Continue (`writeContinue`), 102 Processing (`writeProcessing`), both without fields, and 103 Early Hints
// (`writeEarlyHints`, which needs a Link field). Others have no way out through it and are dropped, as RFC 9110
// §15.2 lets a client ignore an unexpected 1xx.
//
// Never to an HTTP/1.0 client ("A server MUST NOT send a 1xx response to an HTTP/1.0 client", same section), nor
// once the final answer has begun. A 100 reaches here only unasked (the gateway answers a client's Expect itself and
// sends none upstream; unasked-informational-answers.ts has undici read it), and it goes to a client that sent no
// Expect: one that did has had the gateway's own 100 and is sending its body already. A 101 never reaches here:
// the gateway proxies no upgrade, and undici's parser refuses every unasked one (the same module).
import type { ServerResponse } from 'node:http';
import { downstreamHeaders } from './forward-headers';
import { lowerCaseHeaderName } from './undici-core';

/** Field values Node's `writeEarlyHints` writes as they are (it writes the head as ASCII). */
const VISIBLE_ASCII_VALUE = /^[\x20-\x7e\t]*$/;
/**
 * Fields a relayed 103 leaves out. `content-length`: RFC 9110 §8.6, a server MUST NOT send it in a 1xx.
 * `set-cookie`: Node writes a repeated field joined on one line, which no cookie survives (RFC 6265 §3), and a
 * client acts on nothing in a 103 but its hints (RFC 8297 §2); the final answer carries the cookies.
 */
const NOT_IN_EARLY_HINTS = new Set(['content-length', 'set-cookie']);
/** Where one link-value ends and the next begins in a Link field (RFC 8288 §3: `#link-value`). */
const NEXT_LINK_VALUE = /\s*,\s*(?=<)/;

/**
 * Relays a 1xx as far as Node's server can; any other (104, an unassigned 150) is dropped and the final answer waited
 * for, as RFC 9110 §15.2 lets a client ignore an unexpected 1xx. undici reads a 1xx as ending with its head, so a
 * body after it is read as the next answer's head and fails as an invalid response. A code below 100 never gets
 * here (forward.ts stops a code outside 100–599 at its head).
 */
export function relayInformationalAnswer(res: ServerResponse, statusCode: number, rawHeaders: readonly Buffer[]): void {
  const { httpVersionMajor, httpVersionMinor } = res.req;
  if (res.headersSent || res.destroyed || httpVersionMajor < 1 || (httpVersionMajor === 1 && httpVersionMinor < 1)) return;
  if (statusCode === 100) {
    if (res.req.headers.expect === undefined) res.writeContinue();
  } else if (statusCode === 102) res.writeProcessing();
  else if (statusCode === 103) relayEarlyHints(res, rawHeaders);
}

function relayEarlyHints(res: ServerResponse, rawHeaders: readonly Buffer[]): void {
  const fields = downstreamHeaders(rawHeaders, lowerCaseHeaderName);
  const links: string[] = [];
  const hints: Record<string, string | string[]> = {};
  for (let i = 0; i < fields.length; i += 2) {
    const name = fields[i]!;
    const value = fields[i + 1]!;
    if (!VISIBLE_ASCII_VALUE.test(value) || NOT_IN_EARLY_HINTS.has(name)) continue;
    if (name === 'link') links.push(...value.split(NEXT_LINK_VALUE).filter((link) => link !== ''));
    else hints[name] = hints[name] === undefined ? value : `${hints[name]}, ${value}`;
  }
  if (links.length === 0) return;
  hints.link = links;
  try {
    res.writeEarlyHints(hints);
  } catch {
    // A link-value Node's own check refuses (its format is narrower than RFC 8288's): the hints are only hints,
    // and the final answer follows as ever.
  }
}
