// Lint keeps the process boundaries (see README "Layout"): the gateway never imports Electron or main; inside
// main/ imports flow electron/ → cli/ → app/ → ipc/ → services/ and only electron/ imports Electron; the renderer
// imports only the shared contract, schema and error base; every error class extends GatehouseError.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const gatewayBoundaries = [
  { group: ['electron', 'electron/*'], message: 'gateway/ runs as plain Node: no Electron.' },
  { group: ['**/main/**', '**/renderer/**', 'react', 'zustand', 'keytar'], message: 'gateway/ depends on nothing above it.' },
];
/** The gateway loads undici's parts directly: its index costs 6 MB and start-up time (gateway/proxy/undici-core.ts). */
const gatewayPaths = [
  { name: 'undici', allowTypeImports: true, message: 'gateway/ takes undici values from gateway/proxy/undici-core.ts.' },
];
/** gateway/ folders, lowest first: a folder may import its own layer and those below. */
const GATEWAY_LAYERS = [
  ['errors', 'config', 'http', 'log'],
  ['secrets', 'routing', 'auth', 'cluster', 'demo'],
  ['proxy'],
  ['security'],
  ['server'],
  ['process', 'cli'],
];

const nodeBuiltins = ['node:*', 'fs', 'path', 'child_process', 'net', 'http', 'https', 'crypto', 'os'];
const rendererPatterns = [
  { group: [...nodeBuiltins, 'electron', 'undici', 'keytar', '@kubernetes/*'], message: 'The renderer is browser code: it reaches main only through window.gatehouse.' },
  { regex: '(^|/)main/(?!ipc/contract$)', message: 'The renderer may import only main/ipc/contract from main/.' },
  { regex: '(^|/)gateway/(?!config/|errors/|log/request-log$)', message: 'The renderer may import only the shared schema (gateway/config), the error base (gateway/errors) and log entry type from gateway/.' },
];

/** Everything in main/ but electron/ is plain Node, tested without Electron, and never imports the renderer. */
const mainPlainNode = [
  { group: ['electron', 'electron/*'], message: 'main/ is plain Node, tested without Electron; Electron glue lives in main/electron/.' },
  { group: ['**/renderer/**'], message: 'main/ does not import the renderer.' },
];

/** A relative import that climbs out of `from` into one of main/'s `folders` above it. */
function mainAbove(folders, from) {
  return { regex: `^(\\.\\./)+(${folders.join('|')})/`, message: `${from} imports only what lies below it: main/ runs electron/ → cli/ → app/ → ipc/ → services/.` };
}

export default tseslint.config(
  { ignores: ['out/**', 'release/**', 'node_modules/**', 'coverage/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { files: ['**/*.mjs', '*.js'], languageOptions: { globals: globals.node } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    // Every failure is a GatehouseError (gateway/errors): a code to branch on, a message and hint to show.
    files: ['gateway/**/*.ts', 'main/**/*.ts', 'renderer/src/**/*.{ts,tsx}'],
    ignores: ['gateway/errors/gatehouse-error.ts'],
    rules: {
      'no-restricted-syntax': ['error', {
        selector: "ClassDeclaration[superClass.type='Identifier'][superClass.name=/^(Error|TypeError|RangeError)$/]",
        message: 'Error classes extend GatehouseError (gateway/errors/gatehouse-error.ts): code, message, hint.',
      }, {
        // The named `z` is an object holding all of zod, every locale included: bundles cannot drop any of it,
        // and the gateway paid 13 MB of memory and start-up time for it (issue 16).
        selector: "ImportDeclaration[source.value='zod'] > ImportSpecifier[imported.name='z']",
        message: "import * as z from 'zod', so bundles keep only the parts used.",
      }],
    },
  },
  // Inside gateway/, folders import only downward, in the order of a request's way through it: the shared rules
  // at the bottom, then what a stage needs, the transport (proxy), endpoint security on top of it, the server
  // that runs the stages, and the process and CLI entries.
  ...GATEWAY_LAYERS.map((layer, i) => ({
    files: layer.map((folder) => `gateway/${folder}/**/*.ts`),
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { paths: gatewayPaths, patterns: [
        ...gatewayBoundaries,
        ...(i + 1 < GATEWAY_LAYERS.length
          ? [{ regex: `^(\\.\\./)+(${GATEWAY_LAYERS.slice(i + 1).flat().join('|')})(/|$)`, message: `gateway/${layer.join(', ')} must not import a folder above it (${GATEWAY_LAYERS.slice(i + 1).flat().join(', ')}).` }]
          : []),
      ] }],
    },
  })),
  // Inside main/, imports flow one way: electron/ → cli/ → app/ → ipc/ → services/ (each may import those after it).
  {
    files: ['main/services/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...mainPlainNode, mainAbove(['app', 'ipc', 'cli', 'electron'], 'main/services/')] }] },
  },
  {
    files: ['main/ipc/**/*.ts'],
    ignores: ['main/ipc/contract.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...mainPlainNode, mainAbove(['app', 'cli', 'electron'], 'main/ipc/')] }] },
  },
  {
    files: ['main/ipc/contract.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: [...nodeBuiltins, 'electron', 'undici', 'keytar'], message: 'The contract runs in every process, the renderer included.' },
        ...mainPlainNode.slice(1),
        mainAbove(['app', 'cli', 'electron'], 'main/ipc/'),
      ] }],
    },
  },
  {
    files: ['main/app/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...mainPlainNode, mainAbove(['cli', 'electron'], 'main/app/')] }] },
  },
  {
    files: ['main/cli/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...mainPlainNode, mainAbove(['electron'], 'main/cli/')] }] },
  },
  {
    files: ['renderer/src/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { patterns: rendererPatterns }],
    },
  },
  // Inside the renderer imports flow one way: screens → forms → components → state → model (and api).
  ...[
    { files: ['renderer/src/model/**/*.{ts,tsx}'], above: ['state', 'components', 'forms', 'screens'] },
    { files: ['renderer/src/state/**/*.{ts,tsx}'], above: ['components', 'forms', 'screens'] },
    { files: ['renderer/src/components/**/*.{ts,tsx}'], above: ['forms', 'screens'] },
    { files: ['renderer/src/forms/**/*.{ts,tsx}'], above: ['screens'] },
  ].map(({ files, above }) => ({
    files,
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        ...rendererPatterns,
        { regex: `^\\.\\./(${above.join('|')})/`, message: `Renderer imports flow one way (screens → forms → components → state → model): not from ${above.join(', ')}.` },
      ] }],
    },
  })),
);
