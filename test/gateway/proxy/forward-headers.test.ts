import { describe, expect, it } from 'vitest';
import { downstreamHeaders, isHopByHop } from '../../../gateway/proxy/forward-headers';
import { lowerCaseHeaderName } from '../../../gateway/proxy/undici-core';

/** A raw header list as undici's parser hands it over: name, value, name, value, … as Buffers. */
const raw = (...pairs: [string, string][]) => pairs.flatMap(([name, value]) => [Buffer.from(name, 'latin1'), Buffer.from(value, 'latin1')]);

describe('downstreamHeaders', () => {
  it('keeps end-to-end fields in order, repeated ones included, names in lower case and values byte for byte', () => {
    expect(downstreamHeaders(raw(
      ['Content-Type', 'application/json'], ['Set-Cookie', 'a=1'], ['X-Odd', 'caf\u00e9'], ['set-cookie', 'b=2'], ['Connection', 'keep-alive'],
    ), lowerCaseHeaderName)).toEqual(['content-type', 'application/json', 'set-cookie', 'a=1', 'x-odd', 'caf\u00e9', 'set-cookie', 'b=2']);
  });

  it('drops hop-by-hop fields and the ones the Connection header names, in any case and spacing', () => {
    expect(downstreamHeaders(raw(
      ['Keep-Alive', 'timeout=5'], ['Transfer-Encoding', 'chunked'], ['X-Private', 'p'], ['X-Kept', 'k'], ['Upgrade', 'h2c'],
      ['Connection', 'keep-alive ,  X-PRIVATE'], ['Connection', 'x-other'], ['X-Other', 'o'], ['Proxy-Authenticate', 'Basic'],
    ), lowerCaseHeaderName)).toEqual(['x-kept', 'k']);
  });

  it('knows the hop-by-hop names, and the gateway\'s own environment header', () => {
    for (const name of ['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authorization', 'host', 'x-gatehouse-environment']) expect(isHopByHop(name)).toBe(true);
    for (const name of ['content-type', 'set-cookie', 'authorization']) expect(isHopByHop(name)).toBe(false);
  });
});
