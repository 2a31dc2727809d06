// What the app forks (built to out/gateway/entry.cjs): V8's compile cache is switched on before the gateway's code
// is compiled, so later starts skip compiling it. `module.enableCompileCache` exists from Node 22.1 (Electron's
// utility process); on older Node this is a no-op and the gateway starts as before. The gateway's code is the
// process entry (./entry.ts) bundled beside this file and left outside its bundle (bundle-options.ts), so that it
// is compiled only when required here. Then the gateway's V8 options are set (v8-flags.ts), before it serves.
import module from 'node:module';
import { applyGatewayV8Flags } from './v8-flags';

(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the built file beside this one, loaded after the cache is on
require('./gateway-process.cjs');
applyGatewayV8Flags();
