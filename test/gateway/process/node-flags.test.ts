// The gateway's Node options and start-up environment reach every Node launch of it: the supervisor's fork and
// `npm run gateway`.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GATEWAY_NODE_FLAGS, GATEWAY_PROCESS_ENV } from '../../../gateway/process/node-flags';
import { forkGatewayProcess } from '../../../main/services/gateway-supervisor/gateway-process';
import { builtGatewayEntry } from '../../support/built-gateway';
import { REPO_ROOT } from '../../support/spawn-cli';

/** The environment as `NAME=value` entries, the form of a shell prefix and of /proc/<pid>/environ. */
const ENVIRONMENT = Object.entries(GATEWAY_PROCESS_ENV).map(([name, value]) => `${name}=${value}`);

describe('gateway Node options', () => {
  it('`npm run gateway` starts the CLI with them', () => {
    const scripts = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
    // cross-env: a bare `NAME=value` prefix is POSIX shell syntax, and npm runs scripts with cmd.exe on Windows.
    expect(scripts.gateway).toContain(`${['cross-env', ...ENVIRONMENT, 'node', ...GATEWAY_NODE_FLAGS].join(' ')} out/gateway/cli.js`);
  });

  it.runIf(process.platform === 'linux')('the supervisor forks the gateway process with them (read from /proc)', async () => {
    const gateway = forkGatewayProcess(await builtGatewayEntry());
    try {
      const argv = readFileSync(`/proc/${gateway.pid}/cmdline`, 'utf8').split('\0');
      for (const flag of GATEWAY_NODE_FLAGS) expect(argv).toContain(flag);
      const environment = readFileSync(`/proc/${gateway.pid}/environ`, 'utf8').split('\0');
      for (const entry of ENVIRONMENT) expect(environment).toContain(entry);
    } finally {
      gateway.kill();
    }
  });
});
