/**
 * init() time with 0, 10, 100 and 500 plugin packages on disk. Goal: linear, under 2 ms per
 * plugin package at 500. Sizes are interleaved and repeated; medians are reported.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveConfig } from '../../electron/runtime/config';
import { init, reset } from '../../electron/runtime/init';
import { adapterSource, writePlugin } from '../helpers/plugins';

const SIZES = [0, 10, 100, 500];
const ROUNDS = 5;

function makePluginDir(n: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `coral-bench-${n}-`));
  for (let i = 0; i < n; i++) {
    writePlugin(dir, {
      name: `coral-bench-${i}`,
      files: { 'adapter.js': adapterSource(`bench-${i}`) },
    });
  }
  return dir;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export default async function run(): Promise<void> {
  const dirs = new Map(SIZES.map((n) => [n, makePluginDir(n)]));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'coral-bench-data-'));
  const times = new Map<number, number[]>(SIZES.map((n) => [n, []]));
  // Round 0 warms the module loader; each later round copies the packages anew, so the
  // measurement includes a first import of every plugin (ESM caches by URL).
  for (let round = 0; round <= ROUNDS; round++) {
    for (const n of SIZES) {
      const fresh = fs.mkdtempSync(path.join(os.tmpdir(), `coral-bench-r${round}-`));
      fs.cpSync(dirs.get(n) as string, fresh, { recursive: true });
      const config = resolveConfig({ env: {}, dataDir, extraPluginDirs: [fresh] });
      const t0 = performance.now();
      const ctx = await init(config, { builtins: [] });
      const ms = performance.now() - t0;
      if (ctx.state.backendsEnabled.length !== n)
        throw new Error(`expected ${n} adapters, got ${ctx.state.backendsEnabled.length}`);
      await reset(ctx);
      fs.rmSync(fresh, { recursive: true, force: true });
      if (round > 0) times.get(n)?.push(ms);
    }
  }
  const base = median(times.get(0) as number[]);
  console.log('plugins  init ms (median)  ms per plugin (minus empty init)');
  for (const n of SIZES) {
    const m = median(times.get(n) as number[]);
    const per = n === 0 ? '-' : ((m - base) / n).toFixed(3);
    console.log(`${String(n).padStart(7)}  ${m.toFixed(1).padStart(17)}  ${per.padStart(10)}`);
  }
  const per100 = (median(times.get(100) as number[]) - base) / 100;
  const per500 = (median(times.get(500) as number[]) - base) / 500;
  console.log(
    `linearity: per-plugin cost at 500 / at 100 = ${(per500 / per100).toFixed(2)} (1.00 = linear)`,
  );
  console.log(`goal: < 2 ms per plugin at 500 → ${per500.toFixed(3)} ms`);
  for (const d of dirs.values()) fs.rmSync(d, { recursive: true, force: true });
  fs.rmSync(dataDir, { recursive: true, force: true });
}
