// The gateway's bundle options leave node:http2 out of undici (gateway/process/bundle-options.ts): undici, bundled
// with them, still proxies HTTP/1.1 through a Pool, and Node's HTTP/2 module stays unloaded; bundled without the
// plugin, it loads (the check can fail). And nothing in the gateway asks undici for HTTP/2, which is what makes
// leaving it out safe. (The bundles themselves are forked by the launch, supervisor and CLI tests.)
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATEWAY_BUNDLE_OPTIONS } from '../../../gateway/process/bundle-options';
import { REPO_ROOT } from '../../support/spawn-cli';
import { bundleFolder } from '../../support/built-gateway';

let upstream: Server;
let upstreamUrl: string;
let outRoot: string;

beforeAll(async () => {
  upstream = createServer((_req, res) => res.end('hello'));
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  outRoot = bundleFolder('bundle-options');
});

afterAll(async () => {
  upstream.close();
  upstream.closeAllConnections();
});

/** The gateway's undici entry bundled with `options`; the child requests the upstream through a Pool. */
async function requestThroughBundle(name: string, plugins: typeof GATEWAY_BUNDLE_OPTIONS.plugins): Promise<{ status: number; body: string; http2Loaded: boolean }> {
  const outfile = join(outRoot, `${name}.cjs`);
  await build({ ...GATEWAY_BUNDLE_OPTIONS, plugins, entryPoints: [join(REPO_ROOT, 'gateway/proxy/undici-core.ts')], outfile, target: 'node20', absWorkingDir: REPO_ROOT, outExtension: {} });
  const script = `(async () => {
    const core = require(${JSON.stringify(outfile)});
    const pool = new core.Pool(${JSON.stringify(upstreamUrl)});
    const response = await core.requestThrough(pool, ${JSON.stringify(`${upstreamUrl}/`)}, { method: 'GET' });
    const body = await response.body.text();
    await pool.close();
    console.log(JSON.stringify({ status: response.statusCode, body, http2Loaded: process.moduleLoadList.some((m) => /^NativeModule (internal\\/)?http2/.test(m)) }));
  })();`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', script], { cwd: REPO_ROOT, timeout: 20_000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`child failed: ${error.message}\n${stderr}`));
      resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '{}'));
    });
  });
}

describe('the gateway bundles without node:http2', () => {
  it("with the gateway's options undici proxies HTTP/1.1, and Node never loads its HTTP/2 module", async () => {
    expect(await requestThroughBundle('gateway-options', GATEWAY_BUNDLE_OPTIONS.plugins)).toEqual({ status: 200, body: 'hello', http2Loaded: false });
  });

  it('without the plugin, undici loads node:http2 as it loads', async () => {
    expect(await requestThroughBundle('without-plugin', [])).toEqual({ status: 200, body: 'hello', http2Loaded: true });
  });

  it('nothing in the gateway, the app or the CLI asks undici for HTTP/2 (its allowH2 option)', () => {
    const sources = ['gateway', 'main'].flatMap((dir) =>
      readdirSync(join(REPO_ROOT, dir), { recursive: true, encoding: 'utf8' }).filter((file) => /\.tsx?$/.test(file)).map((file) => join(REPO_ROOT, dir, file)),
    );
    // The scan reaches the file that makes the gateway's upstream pools.
    expect(sources).toContain(join(REPO_ROOT, 'gateway/proxy/upstream-pools.ts'));
    expect(sources.filter((file) => /allowH2\s*[:=]/.test(readFileSync(file, 'utf8')))).toEqual([]);
  });
});
