import { request } from 'undici';
import type { TryItRequest, TryItResponse } from '../ipc/contract';
import { bodyKind } from '../../gateway/capture/body-capture';
import { encodeBasicAuthorization } from '../../gateway/auth/basic-credentials';

const MAX_BODY_BYTES = 1_000_000;
/** Past this the rest is not even counted: the read stops and the body is reported incomplete. */
const MAX_COUNTED_BYTES = 100 * 1024 * 1024;

export interface TryItResult {
  response: TryItResponse;
  /** The bytes read (at most MAX_BODY_BYTES), kept in main for "Save body". */
  bytes: Buffer;
}

/** Sends the "try it" request to the local gateway and reads at most 1 MB of the answer (counting the rest). */
export async function sendTryIt(gatewayUrl: string, input: TryItRequest): Promise<TryItResult> {
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
  let kept = 0;
  let size = 0;
  let complete = true;
  for await (const chunk of res.body) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_COUNTED_BYTES) {
      complete = false;
      res.body.destroy();
      break;
    }
    if (kept < MAX_BODY_BYTES) {
      const part = buf.subarray(0, MAX_BODY_BYTES - kept);
      chunks.push(part);
      kept += part.length;
    }
  }
  const durationMs = Math.round((performance.now() - started) * 10) / 10;
  const responseHeaders: [string, string][] = [];
  for (const [name, value] of Object.entries(res.headers)) {
    for (const v of Array.isArray(value) ? value : [value]) if (v !== undefined) responseHeaders.push([name, String(v)]);
  }
  const bytes = Buffer.concat(chunks, kept);
  const contentType = responseHeaders.find(([n]) => n === 'content-type')?.[1];
  const body: TryItResponse['body'] = { size, base64: bytes.toString('base64'), truncated: size > kept, complete, kind: bodyKind(contentType, bytes, size) };
  if (contentType) body.contentType = contentType;
  return { response: { status: res.statusCode, headers: responseHeaders, body, durationMs }, bytes };
}
