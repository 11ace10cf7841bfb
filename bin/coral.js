#!/usr/bin/env node
// The `coral` command. Runs the built CLI (out/main/cli.js) when present, else the sources
// through tsx (a development checkout before `npm run build`).
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const built = new URL('../out/main/cli.js', import.meta.url);
if (existsSync(fileURLToPath(built))) {
  const { runCli } = await import(built.href);
  process.exitCode = await runCli(process.argv.slice(2));
} else {
  const source = fileURLToPath(new URL('../electron/cli/main.ts', import.meta.url));
  const r = spawnSync(process.execPath, ['--import', 'tsx', source, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exitCode = r.status ?? 1;
}
