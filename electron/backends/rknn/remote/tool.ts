/**
 * rknn_benchmark on a board: where it is (the configured path, else PATH, else the places
 * Rockchip's examples and vendor images put it), the command line that runs it in a private
 * run directory, and the clean-up afterwards. Everything is plain POSIX sh (busybox, dash,
 * bash, the virtual board), one round trip each.
 */
import { shQuote } from '../../../boards/exec-wrap';
import type { Transport } from '../../../boards/types';
import { CoralError } from '../../../runtime/errors';

/** Where rknn_benchmark usually sits when it is not on PATH (rknpu2 examples, vendor images). */
export const COMMON_BENCHMARK_PATHS: readonly string[] = [
  '/usr/bin/rknn_benchmark',
  '/usr/local/bin/rknn_benchmark',
  '/userdata/rknn_benchmark_Linux/rknn_benchmark',
  '/userdata/rknn_benchmark',
  '/oem/usr/bin/rknn_benchmark',
  '/data/rknn_benchmark_Android/rknn_benchmark',
  '/data/local/tmp/rknn_benchmark',
  '$HOME/rknn_benchmark_Linux/rknn_benchmark',
  '$HOME/rknn_benchmark',
];

export const DEFAULT_WORK_DIR = '/tmp/coral';

export interface BenchmarkTool {
  path: string;
  /** How it was found. */
  found: 'configured' | 'path' | 'common';
}

const HOW_TO_GET =
  "Build it from Rockchip's examples (rknn-toolkit2: rknpu2/examples/rknn_benchmark, " +
  '`./build-linux.sh -t <soc> -a aarch64 -b Release`; Android: build-android.sh), copy ' +
  'install/rknn_benchmark_Linux to the board (e.g. /userdata), or set CORAL_RKNN_BENCHMARK ' +
  'to its path on the board.';

/**
 * The lookup script: prints `configured`, or `path|common <path>`, and exits 0; exits 3 when the
 * configured path is missing, 4 when nothing was found.
 */
export function findBenchmarkScript(configured?: string | null): string {
  if (configured) {
    const q = shQuote(configured);
    return `if [ -f ${q} ] && [ -x ${q} ]; then echo configured; exit 0; fi; exit 3`;
  }
  const common = COMMON_BENCHMARK_PATHS.map((p) =>
    p.startsWith('$HOME/') ? `"$HOME"/${shQuote(p.slice(6))}` : shQuote(p),
  ).join(' ');
  return [
    'p=$(command -v rknn_benchmark 2>/dev/null)',
    'if [ -n "$p" ]; then echo "path $p"; exit 0; fi',
    `for p in ${common}; do if [ -f "$p" ] && [ -x "$p" ]; then echo "common $p"; exit 0; fi; done`,
    'exit 4',
  ].join('\n');
}

/** Finds rknn_benchmark on a board or throws RKNN_BENCHMARK_NOT_FOUND with how to get it. */
export async function findBenchmark(
  transport: Transport,
  options: { configured?: string | null; boardName: string; signal?: AbortSignal },
): Promise<BenchmarkTool> {
  const res = await transport.exec(findBenchmarkScript(options.configured), {
    killable: false,
    timeoutMs: 15_000,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const out = res.stdout.trim();
  if (res.code === 0 && options.configured && /^configured$/m.test(out))
    return { found: 'configured', path: options.configured };
  const m = /^(path|common) (\/\S.*)$/m.exec(out);
  if (res.code === 0 && m) return { found: m[1] as BenchmarkTool['found'], path: m[2].trim() };
  if (options.configured) {
    throw new CoralError(
      'RKNN_BENCHMARK_NOT_FOUND',
      `rknn_benchmark is not at ${options.configured} on board ${options.boardName} (CORAL_RKNN_BENCHMARK), or is not executable.`,
      {
        hint: `Check the path (and chmod +x it), or unset CORAL_RKNN_BENCHMARK to search PATH. ${HOW_TO_GET}`,
      },
    );
  }
  throw new CoralError(
    'RKNN_BENCHMARK_NOT_FOUND',
    `rknn_benchmark was not found on board ${options.boardName}: not on PATH, nor in ${COMMON_BENCHMARK_PATHS.join(', ')}.`,
    { hint: HOW_TO_GET },
  );
}

/** A file name safe on any board shell: letters, digits, dot, dash, underscore. */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? 'model.rknn';
  const clean = base.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
  return clean || 'model.rknn';
}

/** Checks a work directory given by the user: absolute, no shell surprises. */
export function checkWorkDir(dir: string, where: string): string {
  const d = dir.trim().replace(/\/+$/, '') || '/';
  if (!d.startsWith('/') || /[\0\n]/.test(d) || d.split('/').includes('..') || d === '/') {
    throw new CoralError(
      'RKNN_WORKDIR_INVALID',
      `The work directory "${dir}" (${where}) is not usable: it must be an absolute directory below /, without "..".`,
      { hint: `Use a scratch directory such as ${DEFAULT_WORK_DIR}.` },
    );
  }
  return d;
}

export interface BenchmarkCommand {
  /** Directory made for this run (everything Coral puts on the board lives in it). */
  runDir: string;
  remoteModel: string;
  /** Runs rknn_benchmark from the run directory (it writes rt_output*.npy there). */
  command: string;
}

/**
 * `rknn_benchmark MODEL [input] [loop_count] [core_mask]`: no input file (an empty argument:
 * random inputs), the loop count, and the core mask only when one was asked for.
 */
export function benchmarkCommand(o: {
  tool: string;
  workDir: string;
  runTag: string;
  modelFile: string;
  loops: number;
  coreMask: number | null;
}): BenchmarkCommand {
  const runDir = `${o.workDir}/run-${o.runTag}`;
  const remoteModel = `${runDir}/${safeFileName(o.modelFile)}`;
  const args = [shQuote(remoteModel), "''", String(o.loops)];
  if (o.coreMask !== null) args.push(String(o.coreMask));
  return {
    runDir,
    remoteModel,
    command: `cd ${shQuote(runDir)} && exec ${shQuote(o.tool)} ${args.join(' ')}`,
  };
}

/** Removes the run directory (and nothing else). */
export function cleanupCommand(runDir: string): string {
  if (!/\/run-[A-Za-z0-9_-]+$/.test(runDir)) {
    throw new CoralError(
      'RKNN_CLEANUP_REFUSED',
      `Refusing to delete ${runDir}: not a Coral run directory.`,
    );
  }
  return `rm -rf ${shQuote(runDir)}`;
}
