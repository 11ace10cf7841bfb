/**
 * `npm run bench -- rknn-remote`: what a benchmark on a board costs besides rknn_benchmark
 * itself, measured side by side against the virtual board (RK3588 profile). Prints, never fails.
 *
 * 1. Overhead per run (connect, probe, rknn_benchmark lookup, push, NPU telemetry start,
 *    clean-up): the whole run's wall time minus the time rknn_benchmark ran, over ssh and over
 *    the real adb server, with a fresh connection per run (the CLI) vs one kept connection
 *    (the app's BoardsService).
 * 2. Pushing a 20 MB model: ssh (SFTP) vs adb (sync), MB/s.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  standaloneBoards,
  type BoardResolver,
  type RemoteBoard,
} from '../../electron/backends/rknn/remote/board-link';
import { builtinSources } from '../../electron/bench/builtin-sources';
import { BenchService } from '../../electron/bench/service';
import { VirtualBoard } from '../../electron/boards/sim';
import { generateKeyPair } from '../../electron/boards/sim/keys';
import { buildRknnFile } from '../../scripts/make-rknn';
import { adbAvailable, startAdbServer } from '../helpers/adb';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** One connection for every run: release() keeps it open (as the app's BoardsService does). */
function kept(resolver: BoardResolver): { boards: BoardResolver; close(): Promise<void> } {
  let board: RemoteBoard | null = null;
  return {
    boards: async (target) => {
      board ??= await resolver(target);
      return { ...board, release: async () => {} };
    },
    close: async () => board?.release(),
  };
}

async function runs(
  boards: BoardResolver,
  target: string,
  model: string,
  n: number,
): Promise<{ overheadMs: number; benchMs: number; pushMs: number }> {
  const s = new BenchService({ sources: builtinSources({ rknn: { env: {}, boards } }) });
  const over: number[] = [];
  const bench: number[] = [];
  const push: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const { runId } = await s.start({
      adapter: 'rknn',
      model,
      target,
      options: { iterations: 20 },
    });
    const r = await s.wait(runId);
    const total = performance.now() - t0;
    if (r.status !== 'finished') throw new Error(`run ${r.status}: ${r.error?.message}`);
    const benchMs = r.extra.benchmarkMs as number;
    over.push(total - benchMs);
    bench.push(benchMs);
    push.push((r.extra.push as { ms: number }).ms);
  }
  return { overheadMs: median(over), benchMs: median(bench), pushMs: median(push) };
}

export default async function run(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coral-bench-rknn-remote-'));
  const pair = generateKeyPair('bench');
  const key = path.join(dir, 'id');
  fs.writeFileSync(key, pair.privateKey, { mode: 0o600 });
  const vb = await VirtualBoard.start({
    profile: 'rk3588-rock5b',
    authorizedKeys: [pair.publicKey],
    adbPort: adbAvailable() ? 0 : null,
  });
  const adb = adbAvailable() ? await startAdbServer() : null;
  try {
    const small = path.join(dir, 'small.rknn');
    fs.writeFileSync(small, buildRknnFile({ targetPlatform: ['rk3588'], toolkitVersion: '2.3.0' }));
    const big = path.join(dir, 'big.rknn');
    fs.writeFileSync(
      big,
      buildRknnFile({
        targetPlatform: ['rk3588'],
        toolkitVersion: '2.3.0',
        dataSize: 20 * 1024 * 1024,
      }),
    );
    const targets: Array<{ name: string; target: string; env: NodeJS.ProcessEnv }> = [
      { name: 'ssh', target: vb.targets().ssh as string, env: process.env },
    ];
    if (adb && vb.adbPort) {
      await adb.adb('connect', `127.0.0.1:${vb.adbPort}`);
      targets.push({ name: 'adb', target: `adb:127.0.0.1:${vb.adbPort}`, env: adb.env });
    }
    const N = 5;
    console.log(`overhead per run besides rknn_benchmark (median of ${N}, 20 loops each):`);
    for (const t of targets) {
      const resolver = standaloneBoards({
        dataDir: dir,
        env: t.env,
        identityFile: key,
        trustNewHost: vb.hostKeyFingerprint,
      });
      const fresh = await runs(resolver, t.target, small, N);
      const shared = kept(resolver);
      const reuse = await runs(shared.boards, t.target, small, N);
      await shared.close();
      console.log(
        `  ${t.name}: fresh connection ${fresh.overheadMs.toFixed(0)} ms, kept connection ${reuse.overheadMs.toFixed(0)} ms` +
          ` (x${(fresh.overheadMs / reuse.overheadMs).toFixed(2)}); rknn_benchmark itself ${fresh.benchMs.toFixed(0)} ms`,
      );
    }
    console.log('pushing a 20 MB model (median of 3):');
    const mbps: Record<string, number> = {};
    for (const t of targets) {
      const shared = kept(
        standaloneBoards({
          dataDir: dir,
          env: t.env,
          identityFile: key,
          trustNewHost: vb.hostKeyFingerprint,
        }),
      );
      const r = await runs(shared.boards, t.target, big, 3);
      await shared.close();
      mbps[t.name] = (fs.statSync(big).size / 1024 / 1024 / r.pushMs) * 1000;
      console.log(`  ${t.name}: ${r.pushMs.toFixed(0)} ms, ${mbps[t.name].toFixed(1)} MB/s`);
    }
    if (mbps.ssh && mbps.adb) console.log(`  ssh / adb: x${(mbps.ssh / mbps.adb).toFixed(2)}`);
  } finally {
    await adb?.stop();
    await vb.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
