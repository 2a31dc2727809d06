// What the app forks (built to out/gateway/entry.js): V8's compile cache is switched on before the gateway's code
// loads, so later starts skip compiling it. `module.enableCompileCache` exists from Node 22.1 (Electron's utility
// process); on older Node this is a no-op and the gateway starts as before.
import module from 'node:module';

(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
await import('./entry');
