#!/usr/bin/env node
/**
 * Builds the optional librknnrt addon (native/) with node-gyp: `npm run build:native`.
 *
 * Optional on purpose: `npm install` never runs it, and a failure only means the local NPU path
 * is unavailable (the rknn adapter says why). The outcome is written to
 * native/build/build-status.json so the loader can tell "not built" from "build failed".
 *
 *   --optional   exit 0 even when the build fails (prints a warning)
 *   --quiet      print node-gyp's output only when it fails
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const nativeDir = path.join(root, 'native');
const statusFile = path.join(nativeDir, 'build', 'build-status.json');
const args = new Set(process.argv.slice(2));
const optional = args.has('--optional');
const quiet = args.has('--quiet');

function writeStatus(status) {
  fs.mkdirSync(path.dirname(statusFile), { recursive: true });
  fs.writeFileSync(
    statusFile,
    JSON.stringify({ ...status, at: new Date().toISOString(), node: process.version }, null, 2),
  );
}

function fail(message, output = '') {
  writeStatus({ ok: false, error: message, output: output.slice(-4000) });
  if (output && quiet) process.stderr.write(output);
  process.stderr.write(`build:native failed: ${message}\n`);
  if (optional) {
    process.stderr.write(
      '(optional build: continuing; the rknn adapter will report the local NPU path as unavailable)\n',
    );
    process.exit(0);
  }
  process.exit(1);
}

if (process.platform !== 'linux') {
  fail(`the librknnrt addon is built on Linux only (this is ${process.platform})`);
}

const require = createRequire(import.meta.url);
let gyp;
try {
  gyp = require.resolve('node-gyp/bin/node-gyp.js');
} catch {
  fail('node-gyp is not installed (it comes with npm; run `npm install`)');
}

// node-gyp downloads Node's headers unless told where they are. Use the headers installed next
// to this node (distribution packages, official tarballs) when npm did not already say.
const gypArgs = ['rebuild'];
if (!process.env.npm_config_nodedir) {
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  if (fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h')))
    gypArgs.push(`--nodedir=${prefix}`);
}

const started = Date.now();
const result = spawnSync(process.execPath, [gyp, ...gypArgs], {
  cwd: nativeDir,
  encoding: 'utf8',
  stdio: quiet ? 'pipe' : ['ignore', 'inherit', 'inherit'],
  env: process.env,
});
const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
if (result.error) fail(`could not run node-gyp: ${result.error.message}`, output);
if (result.status !== 0) {
  const firstError =
    output.split('\n').find((l) => /error/i.test(l)) ?? `node-gyp exited with ${result.status}`;
  fail(firstError.trim(), output);
}
const addon = path.join(nativeDir, 'build', 'Release', 'coral_rknn.node');
if (!fs.existsSync(addon)) fail(`node-gyp succeeded but ${addon} is missing`, output);
writeStatus({ ok: true, addon, ms: Date.now() - started });
if (!quiet)
  process.stdout.write(
    `built ${path.relative(root, addon)} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
