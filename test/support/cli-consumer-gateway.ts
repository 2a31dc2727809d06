// The headless CLI serving one service behind basic-auth, whose one consumer, alex, signs in with the secrets file's
// `alex.password`: how the CLI tests watch a secrets file or a workspace change what answers.
import { writeFile } from 'node:fs/promises';
import { request } from 'undici';
import { spawnGatewayCli, type RunningCli } from './spawn-cli';

/** The workspace, in YAML, for an upstream at `upstreamUrl`. */
export function consumerWorkspace(upstreamUrl: string): string {
  return `services:\n  - name: api\n    pathPrefix: /api\n    upstream: { url: "${upstreamUrl}" }\n    plugins:\n      basic-auth: {}\nconsumers:\n  - username: alex\n    basicAuth: { password: { secret: alex, key: password } }\n`;
}

export interface ConsumerGateway {
  cli: RunningCli;
  /** The status alex gets with `password`. */
  status(password: string): Promise<number>;
}

/** Writes the workspace to `wsPath` and serves it with `secretsPath` on a free port; the caller stops the CLI. */
export async function serveConsumerWorkspace(wsPath: string, secretsPath: string, upstreamUrl: string): Promise<ConsumerGateway> {
  await writeFile(wsPath, consumerWorkspace(upstreamUrl));
  const cli = spawnGatewayCli(['--config', wsPath, '--secrets', secretsPath, '--port', '0']);
  try {
    const [, url] = (await cli.waitFor(/gateway on (http:\/\/\S+)/)) as unknown as [string, string];
    const status = async (password: string) => {
      const res = await request(`${url}/api/x`, { headers: { authorization: `Basic ${Buffer.from(`alex:${password}`).toString('base64')}` } });
      await res.body.dump();
      return res.statusCode;
    };
    return { cli, status };
  } catch (error) {
    await cli.stop();
    throw error;
  }
}
