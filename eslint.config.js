// The layer rule of ../shared/ARCHITECTURE.md, enforced: a wrong import fails `npm test`.
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'net', 'child_process', 'crypto', 'stream', 'events', 'util', 'http', 'https', 'worker_threads', 'url'];
const electronOnly = { name: 'electron', message: "Only electron/main.ts and electron/preload.cts may import 'electron' (plain Node would try to download it)." };
const electronStoreOnly = { name: 'electron-store', message: "Only electron/main.ts may import 'electron-store' (it imports 'electron' when loaded)." };
const coreLayer = { group: ['**/cli/**', '**/renderer/**', '**/shell/**', '**/main.js', '**/preload.cjs'], message: 'electron/core is the engine: it imports only shared/, Node and libraries.' };
const ssh2Inside = { group: ['ssh2/*'], allowTypeImports: true, message: "ssh2's own files are reached only by electron/core/ssh/ssh2-library.ts." };
// Type imports from 'ssh2' are fine; its code comes through ssh2-library.ts, which loads it with pooled padding.
const ssh2ThroughLibrary = { name: 'ssh2', allowTypeImports: true, message: "Import ssh2 from electron/core/ssh/ssh2-library.ts (it loads ssh2 with its padding pool)." };

export default tseslint.config(
  { ignores: ['dist/**', 'dist-bench/**', 'node_modules/**', 'renderer/dist/**'] },
  {
    files: ['**/*.ts', '**/*.cts', '**/*.tsx'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [electronOnly, electronStoreOnly],
        patterns: [
          { group: ['../electron/**', '../renderer/**', '../../**'], message: 'shared/ imports nothing of ours: the renderer and the engine both import it.' },
          { group: nodeBuiltins, message: 'shared/ runs in the renderer: no Node built-ins.' },
        ],
      }],
    },
  },
  {
    files: ['electron/core/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [electronOnly, electronStoreOnly, ssh2ThroughLibrary], patterns: [coreLayer, ssh2Inside] }] },
  },
  {
    files: ['electron/core/ssh/ssh2-library.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [electronOnly, electronStoreOnly], patterns: [coreLayer] }] },
  },
  {
    files: ['electron/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [electronOnly, electronStoreOnly],
        patterns: [{ group: ['**/renderer/**', '**/shell/**', '**/main.js', '**/preload.cjs'], message: 'the CLI imports electron/core and shared/ only (never the Electron shell).' }],
      }],
    },
  },
  {
    files: ['electron/shell/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [electronOnly],
        patterns: [{ group: ['**/renderer/**', '**/cli/**', '**/main.js', '**/preload.cjs'], message: "the shell's logic imports electron/core and shared/ only; only main.ts talks to Electron." }],
      }],
    },
  },
  {
    // Beside main.ts and preload.cts, no file of the electron/ folder may import Electron.
    files: ['electron/*.ts', 'electron/*.cts'],
    ignores: ['electron/main.ts', 'electron/preload.cts'],
    rules: { 'no-restricted-imports': ['error', { paths: [electronOnly] }] },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [electronOnly, electronStoreOnly],
        patterns: [
          { group: ['**/electron/**', '!**/shared/**'], message: 'the renderer talks only through BurrowApi in shared/.' },
          { group: nodeBuiltins, message: 'the renderer is sandboxed: no Node built-ins.' },
        ],
      }],
    },
  },
);
