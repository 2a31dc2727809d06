// An endpoint's own CA is trusted in addition to Node's root store, not instead of it. The root store is fixed when
// a Node process starts, so the "system root" here is a test CA given to a child process through
// NODE_EXTRA_CA_CERTS, which Node adds to its roots: a server certified by it must stay reachable from an endpoint
// that also trusts a private CA (listing `tls.rootCertificates` again, as the gateway once did, lost it).
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPki, type TestPki } from '../../support/test-certificates';
import { startTlsServer, type TestTlsServer } from '../../support/tls-servers';

const repo = fileURLToPath(new URL('../../..', import.meta.url));

// Reaches each server in TARGETS with the profile built from PROFILE, printing a status or an error code per server.
const CHILD = `
import { Pool, requestThrough } from ${JSON.stringify(pathToFileURL(join(repo, 'gateway/proxy/undici-core.ts')).href)};
import { upstreamTlsProfile } from ${JSON.stringify(pathToFileURL(join(repo, 'gateway/security/upstream-tls.ts')).href)};
const profile = upstreamTlsProfile(JSON.parse(process.env.PROFILE));
const results = {};
for (const [name, url] of Object.entries(JSON.parse(process.env.TARGETS))) {
  const pool = new Pool(url, { connect: profile?.connect ?? {} });
  try {
    const response = await requestThrough(pool, url, { method: 'GET' });
    await response.body.dump();
    results[name] = response.statusCode;
  } catch (error) {
    results[name] = error.code ?? 'error';
  }
  await pool.destroy();
}
console.log(JSON.stringify(results));
`;

let pki: TestPki;
let dir: string;
let extraRootFile: string;
let privateCaServer: TestTlsServer;
let extraRootServer: TestTlsServer;

beforeAll(async () => {
  pki = await createTestPki();
  dir = await mkdtemp(join(tmpdir(), 'gatehouse-roots-'));
  await writeFile(join(dir, 'child.mts'), CHILD);
  // Not a secret: a throwaway test CA's certificate.
  extraRootFile = join(dir, 'extra-root.pem');
  await writeFile(extraRootFile, pki.otherCa.cert);
  privateCaServer = await startTlsServer(pki.server);
  extraRootServer = await startTlsServer(pki.serverOfOtherCa);
});

afterAll(async () => {
  await Promise.all([privateCaServer?.close(), extraRootServer?.close()]);
  await rm(dir, { recursive: true, force: true });
});

function reach(profile: object, extraRoots: boolean): Promise<Record<string, number | string>> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PROFILE: JSON.stringify(profile),
    TARGETS: JSON.stringify({ privateCa: privateCaServer.url, extraRoot: extraRootServer.url }),
  };
  if (extraRoots) env.NODE_EXTRA_CA_CERTS = extraRootFile;
  else delete env.NODE_EXTRA_CA_CERTS;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', join(dir, 'child.mts')], { cwd: repo, env, timeout: 20_000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`child failed: ${error.message}\n${stderr}`));
      resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '{}'));
    });
  });
}

describe('an endpoint CA beside the root store', () => {
  it('without the extra root, only the server of the endpoint CA is trusted', async () => {
    expect(await reach({ ca: [pki.ca.cert] }, false)).toEqual({ privateCa: 200, extraRoot: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  });

  it('with default trust, a root Node was given at start is trusted and the private CA is not', async () => {
    expect(await reach({}, true)).toEqual({ privateCa: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', extraRoot: 200 });
  });

  it('with an endpoint CA, both the root Node was given and the endpoint CA are trusted', async () => {
    expect(await reach({ ca: [pki.ca.cert] }, true)).toEqual({ privateCa: 200, extraRoot: 200 });
  });

  it('with a client certificate as well, the roots still count', async () => {
    const profile = { ca: [pki.ca.cert], clientCertificate: { certificate: pki.client.cert, privateKey: pki.client.key } };
    expect(await reach(profile, true)).toEqual({ privateCa: 200, extraRoot: 200 });
  });
});
