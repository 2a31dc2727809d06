// Lint keeps the process boundaries (see README "Layout"): the gateway never imports Electron or main,
// main's services never import Electron, and the renderer imports only the shared contract and schema.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const gatewayBoundaries = [
  { group: ['electron', 'electron/*'], message: 'gateway/ runs as plain Node: no Electron.' },
  { group: ['**/main/**', '**/renderer/**', 'react', 'zustand', 'keytar'], message: 'gateway/ depends on nothing above it.' },
];
/** gateway/ folders, lowest first: a folder may import its own layer and those below. */
const GATEWAY_LAYERS = [
  ['config', 'http', 'log'],
  ['secrets', 'routing', 'auth', 'cluster', 'import', 'demo'],
  ['proxy'],
  ['security'],
  ['server'],
  ['process', 'cli'],
];

const nodeBuiltins = ['node:*', 'fs', 'path', 'child_process', 'net', 'http', 'https', 'crypto', 'os'];

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
  // Inside gateway/, folders import only downward, in the order of a request's way through it: the shared rules
  // at the bottom, then what a stage needs, the transport (proxy), endpoint security on top of it, the server
  // that runs the stages, and the process and CLI entries.
  ...GATEWAY_LAYERS.map((layer, i) => ({
    files: layer.map((folder) => `gateway/${folder}/**/*.ts`),
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        ...gatewayBoundaries,
        ...(i + 1 < GATEWAY_LAYERS.length
          ? [{ regex: `^(\\.\\./)+(${GATEWAY_LAYERS.slice(i + 1).flat().join('|')})(/|$)`, message: `gateway/${layer.join(', ')} must not import a folder above it (${GATEWAY_LAYERS.slice(i + 1).flat().join(', ')}).` }]
          : []),
      ] }],
    },
  })),
  {
    files: ['main/services/**/*.ts', 'main/ipc/**/*.ts', 'main/app/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['electron', 'electron/*'], message: 'main/ services are plain Node, tested without Electron; Electron glue lives in main/electron/.' },
        { group: ['**/renderer/**'], message: 'main/ does not import the renderer.' },
      ] }],
    },
  },
  {
    files: ['main/ipc/contract.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: [...nodeBuiltins, 'electron', 'undici', 'keytar'], message: 'The contract runs in every process, the renderer included.' },
      ] }],
    },
  },
  {
    files: ['renderer/src/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: [...nodeBuiltins, 'electron', 'undici', 'keytar', '@kubernetes/*'], message: 'The renderer is browser code: it reaches main only through window.gatehouse.' },
        { regex: '(^|/)main/(?!ipc/contract$)', message: 'The renderer may import only main/ipc/contract from main/.' },
        { regex: '(^|/)gateway/(?!config/|log/request-log$)', message: 'The renderer may import only the shared schema (gateway/config) and log entry type from gateway/.' },
      ] }],
    },
  },
);
