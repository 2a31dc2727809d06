import { buildConnector, Client, type Dispatcher } from 'undici';
import { TRY_IT_NO_ANSWER, TRY_IT_NOT_SENT, type TryItRequest, type TryItResponse } from '../ipc/contract';
import { UserFacingError } from '../ipc/dispatcher';
import { bodyKind } from '../../gateway/capture/body-capture';
import { encodeBasicAuthorization } from '../../gateway/auth/basic-credentials';
import { utf8HeaderValue } from '../../gateway/proxy/forward-headers';
import { errorCode } from '../../gateway/proxy/upstream-errors';
// The gateway relays a backend's unasked 100 Continue (RFC 9110 §15.2), which undici alone refuses: Try it's client
// reads it as the 1xx it is, as the gateway's does.
import '../../gateway/proxy/unasked-informational-answers';

const MAX_BODY_BYTES = 1_000_000;
/** Past this the rest is not even counted: the read stops and the body is reported incomplete. */
const MAX_COUNTED_BYTES = 100 * 1024 * 1024;

export interface TryItResult {
  response: TryItResponse;
  /** The bytes read (at most MAX_BODY_BYTES), kept in main for "Save body". */
  bytes: Buffer;
}

/** What the request's own connection is known by, as soon as it is open and before the request goes out on it. */
export interface TryItConnection {
  onConnected?(localPort: number): void;
}

const TIMEOUT_SECONDS = 30;

/**
 * What went wrong on the connection, in words, by undici's or the system's error code. Only the code is read, never
 * the message: the user's own header values must not come back in an error.
 */
function connectionFault(error: unknown): { sent: boolean; cause: string } {
  const code = errorCode(error);
  switch (code) {
    case 'ECONNREFUSED':
      return { sent: false, cause: 'refused the connection (ECONNREFUSED): is it still listening?' };
    case 'UND_ERR_CONNECT_TIMEOUT':
      return { sent: false, cause: 'did not accept the connection in time (UND_ERR_CONNECT_TIMEOUT)' };
    case 'UND_ERR_SOCKET':
      return { sent: true, cause: 'closed the connection (UND_ERR_SOCKET)' };
    case 'ECONNRESET':
    case 'EPIPE':
      return { sent: true, cause: `reset the connection (${code})` };
    case 'UND_ERR_HEADERS_TIMEOUT':
      return { sent: true, cause: `sent no answer within ${TIMEOUT_SECONDS} s (UND_ERR_HEADERS_TIMEOUT)` };
    case 'UND_ERR_BODY_TIMEOUT':
      return { sent: true, cause: `sent nothing more of its answer for ${TIMEOUT_SECONDS} s (UND_ERR_BODY_TIMEOUT)` };
    default:
      return { sent: true, cause: `failed on the connection (${code !== 'UNKNOWN' ? code : error instanceof Error ? error.name : 'unknown error'})` };
  }
}

/** Why a request got no answer, as the user is told it: not sent at all, or sent and left unanswered. */
function unanswered(gatewayUrl: string, error: unknown): UserFacingError {
  const fault = connectionFault(error);
  // The gateway answers every failure of its own or the backend's (a 502, a 504): a connection it drops unanswered
  // points at its process.
  return fault.sent
    ? new UserFacingError(TRY_IT_NO_ANSWER, `the request was sent, and the gateway at ${gatewayUrl} ${fault.cause} without an answer: did its process exit or restart?`)
    : new UserFacingError(TRY_IT_NOT_SENT, `the gateway at ${gatewayUrl} ${fault.cause}`);
}

/**
 * Sends the "try it" request to the local gateway and reads at most 1 MB of the answer (counting the rest). A
 * request that gets no answer is a UserFacingError saying whether it went out and why; an answer whose body breaks
 * off comes back with what arrived and `cutShort` saying why.
 *
 * Each request goes on a connection of its own, closed after it: its local port, handed to `onConnected` before the
 * request is written, is the one the gateway's capture records for exactly this exchange (captured-answer.ts).
 */
export async function sendTryIt(gatewayUrl: string, input: TryItRequest, connection: TryItConnection = {}): Promise<TryItResult> {
  const connect = buildConnector({});
  const client = new Client(gatewayUrl, {
    pipelining: 1,
    connect: (options, callback) => connect(options, (error, socket) => {
      if (!error && socket.localPort !== undefined) connection.onConnected?.(socket.localPort);
      callback(error, socket as never);
    }),
  });
  try {
    return await sendOn(client, gatewayUrl, input);
  } finally {
    client.destroy().catch(() => undefined);
  }
}

async function sendOn(client: Dispatcher, gatewayUrl: string, input: TryItRequest): Promise<TryItResult> {
  // A value is sent as UTF-8, as the gateway sends the values it adds (undici would refuse "€" outright).
  const headers: [string, string][] = input.headers.map((h) => [h.name, utf8HeaderValue(h.value)]);
  if (input.basicAuth) headers.push(['authorization', encodeBasicAuthorization(input.basicAuth.username, input.basicAuth.password)]);
  const started = performance.now();
  let res: Dispatcher.ResponseData;
  try {
    res = await client.request({
      path: input.path,
      method: input.method as Dispatcher.HttpMethod,
      headers: headers.flat(),
      body: input.body && input.method !== 'GET' && input.method !== 'HEAD' ? input.body : undefined,
      headersTimeout: TIMEOUT_SECONDS * 1000,
      bodyTimeout: TIMEOUT_SECONDS * 1000,
    });
  } catch (error) {
    throw unanswered(gatewayUrl, error);
  }
  const chunks: Buffer[] = [];
  let kept = 0;
  let size = 0;
  let complete = true;
  let cutShort: string | undefined;
  try {
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
  } catch (error) {
    complete = false;
    // Once an answer's bytes are out, a broken connection is the gateway's only way to say the backend's broke off.
    cutShort = `the answer broke off after ${size} bytes: the gateway ${connectionFault(error).cause}, as it does when the backend's answer breaks off (Traffic shows the backend's side)`;
  }
  const durationMs = Math.round((performance.now() - started) * 10) / 10;
  const responseHeaders: [string, string][] = [];
  for (const [name, value] of Object.entries(res.headers)) {
    for (const v of Array.isArray(value) ? value : [value]) if (v !== undefined) responseHeaders.push([name, String(v)]);
  }
  const bytes = Buffer.concat(chunks, kept);
  const contentType = responseHeaders.find(([n]) => n === 'content-type')?.[1];
  const body: TryItResponse['body'] = { size, base64: bytes.toString('base64'), truncated: size > kept, complete, kind: bodyKind(contentType, bytes, size, !complete || size > kept) };
  if (contentType) body.contentType = contentType;
  const response: TryItResponse = { status: res.statusCode, headers: responseHeaders, body, durationMs };
  if (cutShort) response.cutShort = cutShort;
  return { response, bytes };
}
