import { resolve } from 'node:path';
import { defineConfig, externalizeDepsPlugin } from 'electron-vite';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';

/**
 * Main-process entries. Everything that runs in Node is bundled from electron/: the Electron
 * main, the `coral` CLI, and worker entries (benchmark runners) that must be separate files.
 */
const mainEntries = {
  index: resolve(__dirname, 'electron/main/index.ts'),
  cli: resolve(__dirname, 'electron/cli/main.ts'),
  // Child processes that load native inference runtimes, so a crash there cannot take the
  // app down. The names are what worker.ts / local-bench.ts look for beside the bundle.
  'onnx-host': resolve(__dirname, 'electron/backends/onnx/host.ts'),
  'rknn-local-bench': resolve(__dirname, 'electron/backends/rknn/local-bench-host.ts'),
};

/**
 * The dev server only: Vite's client and React Refresh inject inline scripts and styles, which
 * renderer/index.html's strict CSP (script-src 'self') forbids. Relax the meta tag while serving;
 * the built app keeps it verbatim.
 */
const devCsp: Plugin = {
  name: 'coral-dev-csp',
  apply: 'serve',
  transformIndexHtml: (html) =>
    html
      .replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
      .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
      .replace("connect-src 'self'", "connect-src 'self' ws:"),
};

export default defineConfig({
  main: {
    plugins: [externalizeDepsPlugin()],
    build: {
      outDir: 'out/main',
      sourcemap: false,
      rollupOptions: { input: mainEntries },
    },
  },
  preload: {
    plugins: [externalizeDepsPlugin()],
    build: {
      outDir: 'out/preload',
      sourcemap: false,
      rollupOptions: {
        input: { index: resolve(__dirname, 'electron/preload/index.ts') },
        // A sandboxed preload must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    plugins: [react(), devCsp],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      sourcemap: false,
      // Browser mode serves this over HTTP: ship it minified.
      minify: true,
      rollupOptions: { input: { index: resolve(__dirname, 'renderer/index.html') } },
    },
  },
});
