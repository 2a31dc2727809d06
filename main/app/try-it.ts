import { request } from 'undici';
import type { TryItRequest, TryItResponse } from '../ipc/contract';
import { encodeBasicAuthorization } from '../../gateway/auth/basic-credentials';

const MAX_BODY_BYTES = 1_000_000;

/** Sends the "try it" request to the local gateway and reads at most 1 MB of the answer. */
export async function sendTryIt(gatewayUrl: string, input: TryItRequest): Promise<TryItResponse> {
  const headers: [string, string][] = input.headers.map((h) => [h.name, h.value]);
  if (input.basicAuth) headers.push(['authorization', encodeBasicAuthorization(input.basicAuth.username, input.basicAuth.password)]);
  const started = performance.now();
  const res = await request(`${gatewayUrl}${input.path}`, {
    method: input.method,
    headers: headers.flat(),
    body: input.body && input.method !== 'GET' && input.method !== 'HEAD' ? input.body : undefined,
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    const buf = chunk as Buffer;
    if (size + buf.length > MAX_BODY_BYTES) {
      chunks.push(buf.subarray(0, MAX_BODY_BYTES - size));
      res.body.destroy();
      break;
    }
    chunks.push(buf);
    size += buf.length;
  }
  const responseHeaders: [string, string][] = [];
  for (const [name, value] of Object.entries(res.headers)) {
    for (const v of Array.isArray(value) ? value : [value]) if (v !== undefined) responseHeaders.push([name, String(v)]);
  }
  return { status: res.statusCode, headers: responseHeaders, body: Buffer.concat(chunks).toString('utf8'), durationMs: Math.round(performance.now() - started) };
}
