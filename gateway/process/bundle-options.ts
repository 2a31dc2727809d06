/**
 * How the gateway's processes are bundled with esbuild: read by build.mjs (out/gateway) and by the tests that fork
 * the bundle as the app ships it, so both bundle the same way. Nothing here runs in the gateway.
 */
import type { BuildOptions, Plugin } from 'esbuild';

const UNDICI_HTTP2_CLIENT = /[\\/]undici[\\/]lib[\\/]dispatcher[\\/]client-h2\.js$/;

/**
 * undici's HTTP/2 client loads node:http2 when undici loads, for upstreams that negotiate HTTP/2 — which undici
 * offers in TLS only with its `allowH2` option, and the gateway never sets it. In the gateway's bundles that one
 * import resolves to a module that throws, and undici takes the fallback it has for a Node without node:http2
 * (`http2 = { constants: {} }`): Node's HTTP/2 module and its native binding stay unloaded, 0.5 MB of idle memory
 * (issue 16). Any other import of node:http2 is left alone.
 */
export const leaveOutUndiciHttp2: Plugin = {
  name: 'gatehouse-leave-out-undici-http2',
  setup(build) {
    build.onResolve({ filter: /^node:http2$/ }, (args) =>
      UNDICI_HTTP2_CLIENT.test(args.importer) ? { path: 'node:http2', namespace: 'gatehouse-left-out' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'gatehouse-left-out' }, () => ({
      contents: "throw new Error('node:http2 is left out of the gateway bundle: the gateway never offers HTTP/2 upstream');",
      loader: 'js',
    }));
  },
};

/**
 * The options every gateway bundle shares. Its dependencies are bundled in (resolving a few hundred files from
 * node_modules was most of the time from spawn to the first answer); left outside: keytar (native),
 * @kubernetes/client-node (required only by what uses a cluster; an ES module, which `require` loads from Node
 * 20.19, the version package.json asks for) and electron. CommonJS, one self-contained file per entry: the same
 * code as ES modules in chunks held 1.1 MB more idle memory (Node's ES module loader and a record per module;
 * issue 16). Modules imported on demand (the CLI's commands) stay unevaluated until then. Files are `.cjs`, as
 * the package is "type": "module".
 */
export const GATEWAY_BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  sourcemap: false,
  logLevel: 'warning',
  outExtension: { '.js': '.cjs' },
  external: ['keytar', '@kubernetes/client-node', 'electron'],
  // Where a module finds its own file (keytar's loader resolves keytar from it): the CommonJS file's URL.
  define: { 'import.meta.url': '__gatehouseModuleUrl' },
  // Strict mode first: a banner before esbuild's own "use strict" would leave the whole file sloppy.
  banner: { js: '"use strict";\nconst __gatehouseModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
  plugins: [leaveOutUndiciHttp2],
} satisfies BuildOptions;

/** The CLI's bundle, which its launcher runs through V8's code cache (code-cache.ts); launch-cli.ts names it. */
export const GATEWAY_CLI_BODY_FILE = 'gatehouse-cli.cjs';

/**
 * The headless CLI's code, `out/gateway/gatehouse-cli.cjs`: one function expression taking CommonJS's module
 * arguments, which code-cache.ts compiles as a script (a script's code cache can be made after it has run, so it
 * holds what start-up compiled; a module's cannot) and calls. Not a file to `require`.
 */
export const GATEWAY_CLI_BODY_OPTIONS = {
  ...GATEWAY_BUNDLE_OPTIONS,
  entryPoints: { [GATEWAY_CLI_BODY_FILE.replace(/\.cjs$/, '')]: 'main/cli/main.ts' },
  // On the function's first line, so the bundle's line numbers (in stack traces) stay as they are.
  banner: { js: `(function (exports, require, module, __filename, __dirname) {${GATEWAY_BUNDLE_OPTIONS.banner.js}` },
  footer: { js: '\n})' },
} satisfies BuildOptions;

/**
 * The headless CLI's launcher, `out/gateway/cli.cjs`: what `npm run gateway`, headless `npm start` and the bench
 * run. Build it with GATEWAY_CLI_BODY_OPTIONS, into the same folder.
 */
export const GATEWAY_CLI_LAUNCHER_OPTIONS = {
  ...GATEWAY_BUNDLE_OPTIONS,
  entryPoints: { cli: 'gateway/process/launch-cli.ts' },
} satisfies BuildOptions;

/**
 * The file the app's launcher requires: the gateway's process entry, bundled beside it. launch-entry.ts names it
 * in its `require` (a literal, so the launcher stays free of build code); the tests that fork the launcher fail if
 * the two differ.
 */
export const GATEWAY_PROCESS_FILE = 'gateway-process.cjs';

/**
 * What the app forks: `entry.cjs`, the launcher (launch-entry.ts), which switches V8's compile cache on and then
 * requires `gateway-process.cjs`, the gateway's process entry (entry.ts), left outside the launcher's bundle so
 * that the cache is on before the gateway's code is compiled.
 */
export const GATEWAY_APP_BUNDLE_OPTIONS = {
  ...GATEWAY_BUNDLE_OPTIONS,
  entryPoints: { entry: 'gateway/process/launch-entry.ts', [GATEWAY_PROCESS_FILE.replace(/\.cjs$/, '')]: 'gateway/process/entry.ts' },
  external: [...GATEWAY_BUNDLE_OPTIONS.external, `./${GATEWAY_PROCESS_FILE}`],
} satisfies BuildOptions;
