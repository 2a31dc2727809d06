// What the app forks (built to out/gateway/entry.cjs): V8's compile cache is switched on before the gateway's code
// is compiled, so later starts skip compiling it. `module.enableCompileCache` exists from Node 22.1 (Electron's
// utility process); on older Node this is a no-op and the gateway starts as before. The gateway's code is the
// process entry (./entry.ts) bundled beside this file and left outside its bundle (bundle-options.ts), so that it
// is compiled only when required here. Then the gateway's V8 options are set (v8-flags.ts), before it serves.
// First of all it holds one of Node's nextTick records for the process's life (tick-object-class.ts says why).
import module from 'node:module';
import { applyGatewayV8Flags } from './v8-flags';
import { holdTickObjectClass } from './tick-object-class';

holdTickObjectClass();
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the built file beside this one, loaded after the cache is on
require('./gateway-process.cjs');
applyGatewayV8Flags();
