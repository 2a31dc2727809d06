import { describe, expect, it } from 'vitest';
import {
  RequestParametersError, applyRequestHeaders, mergeQuery, parseHeaderParameters, parseQueryParameters, parseRequestParameters, resolveRequestParameters,
} from '../../../gateway/security/request-parameters';
import { MemorySecretSource, MissingSecretError, SecretResolver } from '../../../gateway/secrets/secret-source';
import type { OutgoingHeaders } from '../../../gateway/proxy/forward-headers';

const NAME_RULE = "not a valid header name: letters, digits and ! # $ % & ' * + - . ^ _ ` | ~ only, no spaces (RFC 9110 token)";
const VALUE_RULE = 'a header value may hold tabs and printable Latin-1 characters only: no emoji, no other control characters, nothing beyond U+00FF';

function refusal(fn: () => unknown): RequestParametersError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(RequestParametersError);
    return error as RequestParametersError;
  }
  throw new Error('expected a RequestParametersError');
}

describe('parseHeaderParameters', () => {
  it('reads Kyma’s {"name": ["value", ...]} with names lower-cased', () => {
    expect(parseHeaderParameters('{"X-Api-Key":["k1"],"Accept-Language":["de","en"]}')).toEqual(
      new Map([['x-api-key', ['k1']], ['accept-language', ['de', 'en']]]),
    );
  });

  it.each([
    ['not JSON', '{"X-Api-Key":', 'headers', 'headers: not valid JSON'],
    ['an array', '[["X-Api-Key","k"]]', 'headers', 'headers: expected a JSON object of name → array of strings, e.g. {"X-Api-Key": ["..."]}'],
    ['a plain string value', '{"X-Api-Key":"k"}', 'headers["X-Api-Key"]', 'headers["X-Api-Key"]: expected a non-empty array of strings'],
    ['an empty array', '{"X-Api-Key":[]}', 'headers["X-Api-Key"]', 'headers["X-Api-Key"]: expected a non-empty array of strings'],
    ['a number in the array', '{"X-Api-Key":["a",1]}', 'headers["X-Api-Key"][1]', 'headers["X-Api-Key"][1]: expected a string'],
    // A name that is no header name is named by its position: it may be a secret pasted in with it.
    ['a space in a name', '{"X-Ok":["k"],"X Api":["k"]}', 'headers[#2]', 'headers[#2]: ' + NAME_RULE],
    ['a colon in a name', '{"X-Api:":["k"]}', 'headers[#1]', 'headers[#1]: ' + NAME_RULE],
    ['a value pasted into the name', '{"X-Api-Key: AK-S3CR3T-1":["k"]}', 'headers[#1]', 'headers[#1]: ' + NAME_RULE],
    ['an empty name', '{"":["k"]}', 'headers[#1]', 'headers[#1]: ' + NAME_RULE],
    ['a CR LF in a value', '{"X-Api-Key":["k\\r\\nX-Admin: 1"]}', 'headers["X-Api-Key"][0]', 'headers["X-Api-Key"][0]: contains a line break or NUL'],
    ['a lone LF in a value', '{"X-Api-Key":["ok","k\\n"]}', 'headers["X-Api-Key"][1]', 'headers["X-Api-Key"][1]: contains a line break or NUL'],
    ['a NUL in a value', '{"X-Api-Key":["k\\u0000"]}', 'headers["X-Api-Key"][0]', 'headers["X-Api-Key"][0]: contains a line break or NUL'],
    ['another control character', '{"X-Api-Key":["k\\u0007"]}', 'headers["X-Api-Key"][0]', 'headers["X-Api-Key"][0]: ' + VALUE_RULE],
    ['a character outside Latin-1', '{"X-Api-Key":["€"]}', 'headers["X-Api-Key"][0]', 'headers["X-Api-Key"][0]: ' + VALUE_RULE],
    ['the same name twice', '{"X-Api-Key":["a"],"x-api-key":["b"]}', 'headers["x-api-key"]', 'headers["x-api-key"]: the same header is listed twice (header names ignore case)'],
    ['Host', '{"Host":["evil.example"]}', 'headers["Host"]', 'headers["Host"]: this header is set by the gateway and cannot be added'],
    ['Transfer-Encoding', '{"Transfer-Encoding":["chunked"]}', 'headers["Transfer-Encoding"]', 'headers["Transfer-Encoding"]: this header is set by the gateway and cannot be added'],
    ['Content-Length', '{"content-length":["0"]}', 'headers["content-length"]', 'headers["content-length"]: this header is set by the gateway and cannot be added'],
    ['a consumer identity header', '{"X-Consumer-Username":["admin"]}', 'headers["X-Consumer-Username"]', 'headers["X-Consumer-Username"]: this header is set by the gateway and cannot be added'],
  ])('refuses %s, naming the field', (_case, text, field, message) => {
    const error = refusal(() => parseHeaderParameters(text));
    expect(error.code).toBe('GATEHOUSE_REQUEST_PARAMETERS');
    expect(error.field).toBe(field);
    expect(error.message).toBe(message);
  });

  it('never quotes a value or the JSON text', () => {
    for (const text of ['{"X-Api-Key":["s3cr3t\\r\\n"]}', '{"X-Api-Key": s3cr3t}', '{"X-Api-Key":["s3cr3t\\u0001"]}']) {
      expect(refusal(() => parseHeaderParameters(text)).message).not.toContain('s3cr3t');
    }
  });

  it('accepts Latin-1, tabs and Authorization (custom authentication is what the secret is for)', () => {
    expect(parseHeaderParameters('{"X-Name":["Jürgen\\tM"],"Authorization":["ApiKey abc"]}').size).toBe(2);
  });
});

describe('parseQueryParameters', () => {
  it('reads names and values as they are', () => {
    expect(parseQueryParameters('{"sap-client":["100"],"$top":["5","10"],"q":["a b&c"]}')).toEqual(
      new Map([['sap-client', ['100']], ['$top', ['5', '10']], ['q', ['a b&c']]]),
    );
  });

  it('refuses an empty name and non-string values', () => {
    expect(refusal(() => parseQueryParameters('{"":["x"]}')).message).toBe('queryParameters[#1]: a parameter name is empty');
    expect(refusal(() => parseQueryParameters('{"limit":[50]}')).field).toBe('queryParameters["limit"][0]');
  });

  it('refuses a lone surrogate in a name or a value (no UTF-8 form, so no URL), naming the parameter, never the value', () => {
    const rule = 'holds a lone UTF-16 surrogate (U+D800 to U+DFFF without its pair), which has no UTF-8 form and cannot be put in a URL';
    const value = refusal(() => parseQueryParameters('{"k":["ok","\\ud800s3cr3t"]}'));
    expect([value.field, value.message]).toEqual(['queryParameters["k"][1]', `queryParameters["k"][1]: ${rule}`]);
    const trailing = refusal(() => parseQueryParameters('{"k":["s3cr3t\\udfff"]}'));
    expect(trailing.field).toBe('queryParameters["k"][0]');
    const name = refusal(() => parseQueryParameters('{"\\udc00s3cr3t":["v"]}'));
    expect([name.field, name.message]).toEqual(['queryParameters[#1]', `queryParameters[#1]: the name ${rule}`]);
  });

  it('takes a surrogate pair (an emoji) as the character it is, and encodes it as UTF-8', () => {
    const query = parseQueryParameters('{"\\ud83d\\ude00":["\\ud83d\\udc4d"]}');
    expect(mergeQuery('', query, '')).toBe('?%F0%9F%98%80=%F0%9F%91%8D');
  });
});

describe('resolveRequestParameters', () => {
  const ref = { secret: 'erp-params', headersKey: 'headers', queryParametersKey: 'queryParameters' };

  function resolver(data: Record<string, string>): SecretResolver {
    return new SecretResolver([new MemorySecretSource('test', { 'erp-params': data })]);
  }

  it('reads either document alone', async () => {
    const onlyQuery = await resolveRequestParameters(ref, resolver({ queryParameters: '{"limit":["50"]}' }), 'service "erp"');
    expect(onlyQuery.headers.size).toBe(0);
    expect(onlyQuery.queryParameters.get('limit')).toEqual(['50']);
  });

  it('names the service, secret and key of a bad document', async () => {
    const error = await resolveRequestParameters(ref, resolver({ headers: '{"X-Key":["a\\nb"]}' }), 'service "erp"').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestParametersError);
    expect((error as Error).message).toBe('service "erp": secret "erp-params" key headers["X-Key"][0]: contains a line break or NUL');
  });

  it('refuses a secret with neither key, and passes a missing secret on', async () => {
    await expect(resolveRequestParameters(ref, resolver({ other: 'x' }), 'service "erp"')).rejects.toThrow('service "erp": secret "erp-params" has neither a "headers" nor a "queryParameters" key');
    await expect(resolveRequestParameters({ ...ref, secret: 'absent' }, resolver({}), 'service "erp"')).rejects.toBeInstanceOf(MissingSecretError);
  });
});

describe('applying parameters', () => {
  const parameters = parseRequestParameters({ headers: '{"X-Api-Key":["from-secret"],"X-Tenant":["t1","t2"]}', queryParameters: '{"sap-client":["100"],"limit":["50"],"q":["a b&c=d"]}' });

  it('adds headers the caller did not send; the caller’s own values win', () => {
    const headers: OutgoingHeaders = { 'x-api-key': 'from-caller', accept: 'application/json' };
    applyRequestHeaders(headers, parameters);
    expect(headers).toEqual({ 'x-api-key': 'from-caller', accept: 'application/json', 'x-tenant': ['t1', 't2'] });
  });

  it('builds the query: target first, then the secret’s parameters the caller does not send, then the caller’s', () => {
    expect(mergeQuery('?format=json', parameters.queryParameters, '?limit=5&x=1')).toBe('?format=json&sap-client=100&q=a%20b%26c%3Dd&limit=5&x=1');
    expect(mergeQuery('', parameters.queryParameters, '')).toBe('?sap-client=100&limit=50&q=a%20b%26c%3Dd');
    expect(mergeQuery('', new Map(), '')).toBe('');
    expect(mergeQuery('?a=1', new Map(), '?b=2')).toBe('?a=1&b=2');
  });

  it('adds no parameter the target URL already names, the target’s value kept alone', () => {
    const injected = parseQueryParameters('{"sap-client":["200"],"x":["2"],"api key":["v&1 é"]}');
    expect(mergeQuery('?sap-client=100&x=1', injected, '')).toBe('?sap-client=100&x=1&api%20key=v%261%20%C3%A9');
    // Names are compared decoded, in the target as in the caller's query.
    expect(mergeQuery('?sap%2Dclient=100', injected, '?y=1')).toBe('?sap%2Dclient=100&x=2&api%20key=v%261%20%C3%A9&y=1');
    expect(mergeQuery('?x=1', injected, '?sap-client=300')).toBe('?x=1&api%20key=v%261%20%C3%A9&sap-client=300');
  });

  it('passes the caller’s query through byte for byte', () => {
    expect(mergeQuery('', new Map(), '?q=a+b%2Fc&flag&&x=%E2%82%AC')).toBe('?q=a+b%2Fc&flag&&x=%E2%82%AC');
    // `+` is a space in a query, so the caller's `sap+client` does not shadow `sap client`, but `sap%2Dclient` shadows `sap-client`.
    expect(mergeQuery('', new Map([['sap-client', ['100']]]), '?sap%2Dclient=200')).toBe('?sap%2Dclient=200');
  });
});
