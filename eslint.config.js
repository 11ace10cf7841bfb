import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const electronOnly = {
  name: 'electron',
  message: "Only electron/main and electron/preload may import 'electron' (DESIGN.md: rooms).",
};
const rendererOnly = {
  group: ['**/renderer/**', '../renderer/*'],
  message: 'The main side never imports the renderer; share types through electron/ipc/contract.',
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'out/',
      'dist/',
      'release/',
      'test-results/',
      'playwright-report/',
      'native/build/',
      'resources/models/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // Only code that electron-vite bundles for the main side gets its ESM `require` shim.
    files: ['electron/**/*.ts', 'native/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "Program > VariableDeclaration > VariableDeclarator[id.name='require']",
          message:
            "Name it requireCjs: electron-vite's ESM shim declares a top-level `require` in the bundle (a duplicate breaks the built app).",
        },
      ],
    },
  },
  // The house's layers, enforced (STYLE.md: "Layers, enforced by the linter").
  {
    files: [
      'electron/runtime/**',
      'electron/backends/**',
      'electron/boards/**',
      'electron/bench/**',
      'electron/diagnostics/**',
      'electron/ipc/**',
      'electron/host/**',
      'electron/cli/**',
      'native/**',
      'test/unit/**',
      'test/integration/**',
      'test/bench/**',
    ],
    rules: {
      'no-restricted-imports': ['error', { paths: [electronOnly], patterns: [rendererOnly] }],
    },
  },
  // Tests of renderer code (pure modules such as live/samples) may import it; never electron.
  {
    files: ['test/unit/renderer/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [electronOnly] }] },
  },
  {
    files: ['electron/preload/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!electron$|\\.\\./ipc/contract$|\\.\\./ipc/contract-core$).*',
              message: 'The preload imports only electron and the IPC contract.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'The renderer talks to main only through window.coral.' },
          ],
          patterns: [
            { regex: '^node:', message: 'The renderer runs in a browser: no node: modules.' },
            {
              regex: '^(fs|path|os|child_process|net|crypto|worker_threads)$',
              message: 'The renderer runs in a browser: no Node built-ins.',
            },
          ],
        },
      ],
    },
  },
);
