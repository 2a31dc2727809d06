// A raw upstream behind a real gateway: the setup of the tests that make an upstream answer byte by byte.
import type { Socket } from 'node:net';
import type { WorkspaceInput } from '../../gateway/config/schema';
import { startRawUpstream, type RawUpstream } from './raw-upstream';
import { startTestGateway, type TestGateway } from './gateway';

export interface RawUpstreamBehindGateway {
  upstream: RawUpstream;
  gateway: TestGateway;
  close(): Promise<void>;
}

/**
 * A raw upstream whose `answer` gets each request's socket, path and head, reached through one gateway service at
 * `service.pathPrefix` that forwards paths unchanged (stripPrefix off, so the upstream sees the prefix too).
 * `settings` is the workspace's `gateway` section.
 */
export async function startRawUpstreamBehindGateway(
  service: { name: string; pathPrefix: string },
  answer: (socket: Socket, path: string, head: string) => void,
  settings?: WorkspaceInput['gateway'],
): Promise<RawUpstreamBehindGateway> {
  const upstream = await startRawUpstream(answer);
  const gateway = await startTestGateway({
    ...(settings ? { gateway: settings } : {}),
    services: [{ ...service, stripPrefix: false, upstream: { url: `http://127.0.0.1:${upstream.port}` } }],
  });
  return {
    upstream,
    gateway,
    async close() {
      await gateway.close();
      upstream.close();
    },
  };
}
