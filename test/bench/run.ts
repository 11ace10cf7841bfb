/**
 * `npm run bench -- <name> [<name> …]` runs test/bench/<name>.ts; with no name, all of them.
 * Benchmarks print ratios measured side by side and never fail on time.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const available = fs
  .readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
  .map((f) => f.slice(0, -3))
  .sort();
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length ? wanted : available;
for (const name of names) {
  if (!available.includes(name)) {
    console.error(`No benchmark "${name}". Available: ${available.join(', ')}`);
    process.exitCode = 2;
    continue;
  }
  console.log(`\n=== bench: ${name} ===`);
  const mod = (await import(pathToFileURL(path.join(here, `${name}.ts`)).href)) as {
    default: () => Promise<void>;
  };
  await mod.default();
}
