/**
 * `coral rknn …` (inspect a .rknn model, check it against a board, the local NPU status) and
 * `coral bench import LOG` (a saved rknn_benchmark output → a run in the history).
 *
 * `bench` belongs to the benchmark module (commands/bench.ts). `import` is attached to it by
 * `registerBenchImport()` when that command exists, else a `bench` group is created here.
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import {
  importBenchmarkLogFile,
  importedRunRecord,
  type ImportedRknnRun,
  type ImportedTensor,
} from '../../backends/rknn/benchmark-import';
import {
  checkCompatibility,
  describeCoreMask,
  validateCoreMask,
  type CompatResult,
} from '../../backends/rknn/compat';
import { inspectRknn, type RknnModelInfo, type RknnTensorInfo } from '../../backends/rknn/inspect';
import { rknnLocalStatus } from '../../backends/rknn/local';
import { KNOWN_SOCS, socInfo } from '../../backends/rknn/platforms';
import type { BoardResolver } from '../../backends/rknn/remote/board-link';
import { checkOnBoard, type BoardCheck } from '../../backends/rknn/remote/check';
import { resolveWorkDir } from '../../backends/rknn/remote/source';
import { openHistory } from '../../bench/history';
import type { RunRecord } from '../../bench/types';
import { CoralError } from '../../runtime/errors';
import { boardFlagEnv } from '../../runtime/flags';
import type { CliContext } from '../context';
import { CliExit, EXIT_INVALID, printJson, table, usageError } from '../output';

function bytes(n: number | null): string {
  if (n === null) return '-';
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

function ms(n: number | null): string {
  return n === null ? '-' : n.toFixed(2);
}

function modelTensor(t: RknnTensorInfo): string {
  const q = t.qntType ? ` (${t.qntType}${t.qntMethod ? `, per ${t.qntMethod}` : ''})` : '';
  return `${t.name}  ${t.dtype ?? '?'} [${t.dims.join(', ')}]${q}`;
}

function inspectText(info: RknnModelInfo): string {
  const rows: Array<[string, string]> = [
    ['model', info.file],
    ['size', `${bytes(info.size)} (${info.size} bytes)`],
    ['sha256', info.sha256],
    [
      'toolkit',
      info.toolkitVersion
        ? `rknn-toolkit ${info.toolkitVersion}${info.toolkitVersionRaw !== info.toolkitVersion ? ` (${info.toolkitVersionRaw})` : ''}`
        : 'not recorded',
    ],
    ['targets', info.targetPlatforms.join(', ') || 'not recorded'],
    ['framework', info.sourceFramework ?? '-'],
    ['name', info.modelName ?? '-'],
    ['container', `version ${info.containerVersion}, ${info.dataFormat} model data`],
  ];
  if (info.inputs) rows.push(['inputs', info.inputs.map(modelTensor).join('\n') || '-']);
  if (info.outputs) rows.push(['outputs', info.outputs.map(modelTensor).join('\n') || '-']);
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(
    ([k, v]) => `${k.padEnd(width)}  ${v.split('\n').join(`\n${' '.repeat(width + 2)}`)}`,
  );
  for (const w of info.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}

function compatText(r: CompatResult): string {
  const mark = { ok: 'ok     ', warning: 'warning', error: 'error  ' } as const;
  const lines = r.findings.map(
    (f) =>
      `${mark[f.verdict]}  ${f.message}${f.hint && f.verdict !== 'ok' ? `\n         hint: ${f.hint}` : ''}`,
  );
  lines.push('', `verdict: ${r.verdict}`);
  return lines.join('\n');
}

function logTensor(t: ImportedTensor): unknown[] {
  return [t.index, t.name, `[${t.dims.join(', ')}]`, t.fmt, t.type, t.qntType];
}

function importText(run: ImportedRknnRun, saved: string): string {
  const s = run.stats;
  const out = [
    `${run.source}${run.board ? ` (board ${run.board})` : ''}`,
    `runtime  librknnrt ${run.runtimeVersion ?? '?'}, driver ${run.driverVersion ?? '?'}`,
    `memory   weight ${bytes(run.memory.weight)}, internal ${bytes(run.memory.internal)}, dma ${bytes(run.memory.dma)}`,
    '',
    table(
      ['statistic', 'value', 'unit'],
      [
        ['mean (Avg Time)', ms(s.mean), 'ms'],
        ['fps (Avg FPS)', s.fps === null ? '-' : s.fps.toFixed(3), '/s'],
        ['samples', s.count, ''],
        ['min', ms(s.min), 'ms'],
        ['p50', ms(s.p50), 'ms'],
        ['p90', ms(s.p90), 'ms'],
        ['p99', ms(s.p99), 'ms'],
        ['max', ms(s.max), 'ms'],
        ['stddev', ms(s.stddev), 'ms'],
        ['warm-up', `${run.warmup.length} (first ${ms(run.warmup[0] ?? null)} ms)`, ''],
      ],
    ),
  ];
  if (run.inputs.length || run.outputs.length) {
    out.push(
      '',
      table(
        ['', 'index', 'name', 'dims', 'fmt', 'type', 'qnt'],
        [
          ...run.inputs.map((t) => ['input', ...logTensor(t)]),
          ...run.outputs.map((t) => ['output', ...logTensor(t)]),
        ],
      ),
    );
  }
  for (const w of run.warnings) out.push(`warning: ${w}`);
  out.push('', saved);
  return out.join('\n');
}

interface ImportFlags {
  board?: string;
  model?: string;
  label?: string;
  save: boolean;
  json?: boolean;
}

async function benchImport(cli: CliContext, log: string, flags: ImportFlags): Promise<void> {
  const run = await importBenchmarkLogFile(log, { board: flags.board ?? null });
  const model = flags.model ? await inspectRknn(flags.model) : undefined;
  const startedAt = fs.statSync(run.source).mtime;
  const record = importedRunRecord(run, {
    startedAt,
    ...(model
      ? { model: { path: model.file, sha256: model.sha256, size: model.size, format: '.rknn' } }
      : {}),
    ...(flags.label ? { label: flags.label } : {}),
  });

  let savedAs: string | null = null;
  let notSaved: string | null = null;
  if (!flags.save) notSaved = '--no-save';
  else if (!cli.resolveConfig().flags.metric_sink.value) notSaved = 'the flag metric_sink is off';
  else {
    const h = openHistory(cli.dataDir());
    if (!h.store) notSaved = h.error?.message ?? `cannot open ${h.file}`;
    else {
      try {
        h.store.save(record);
        savedAs = record.id;
      } finally {
        h.store.close();
      }
    }
  }

  if (flags.json) {
    printJson(cli.io, {
      ...run,
      runId: savedAs,
      saved: savedAs !== null,
      ...(notSaved ? { notSavedReason: notSaved } : {}),
    });
    return;
  }
  cli.io.out(
    importText(
      run,
      savedAs
        ? `Saved as run ${savedAs} (\`coral runs show ${savedAs}\`).`
        : `Not saved: ${notSaved}.`,
    ),
  );
}

/** Adds `import LOG` to a `bench` command (the hook the benchmark module's command uses). */
export function registerBenchImport(bench: Command, cli: CliContext): void {
  if (bench.commands.some((c) => c.name() === 'import')) return;
  bench
    .command('import')
    .description('turn a saved rknn_benchmark output into a run in the history')
    .argument(
      '<log>',
      'the saved output of `rknn_benchmark MODEL.rknn [input] [loops] [core_mask]`',
    )
    .option('--board <name>', 'the board the log came from (stored as the run target)')
    .option('--model <file>', 'the .rknn model that was run (stores its sha256, for comparisons)')
    .option('--label <text>', 'a label stored with the run')
    .option('--no-save', 'parse and print only; do not store the run')
    .option('--json', 'print one JSON object: stats (ms), versions, tensors, memory, warnings')
    .action((log: string, flags: ImportFlags, cmd: Command) => {
      // `bench` defines --json, --no-save, --label and --board too, and commander lets the parent take
      // them wherever they appear (positional options are off program-wide): merge both.
      const parent = (cmd.parent?.opts() ?? {}) as Partial<ImportFlags>;
      const merged: ImportFlags = {
        ...flags,
        json: Boolean(flags.json || parent.json),
        save: flags.save !== false && parent.save !== false,
        ...((flags.label ?? parent.label) ? { label: flags.label ?? parent.label } : {}),
        ...((flags.board ?? parent.board) ? { board: flags.board ?? parent.board } : {}),
      };
      return benchImport(cli, log, merged);
    });
}

/** Board connection flags shared by `coral bench --board` and `coral rknn check --board`. */
export interface BoardFlags {
  trustNewHost?: boolean;
  identity?: string;
}

export function addBoardOptions(cmd: Command): Command {
  return cmd
    .option(
      '--trust-new-host',
      'trust and remember the host key of a board seen for the first time',
    )
    .option('-i, --identity <file>', 'SSH private key to log in to the board with');
}

/**
 * Boards for one CLI command: saved boards by name or any target, closed when done. The ssh and
 * adb clients are loaded only when a board is used, so local commands start faster.
 */
export function cliBoards(cli: CliContext, flags: BoardFlags): BoardResolver {
  return async (target) => {
    const { standaloneBoards } = await import('../../backends/rknn/remote/board-link');
    return standaloneBoards({
      dataDir: cli.dataDir(),
      env: cli.env,
      ...(flags.trustNewHost ? { trustNewHost: true } : {}),
      ...(flags.identity ? { identityFile: flags.identity } : {}),
    })(target);
  };
}

/** The board-runtime flags of the resolved config as CORAL_ENABLE_* for the board. */
export function cliRemoteEnv(cli: CliContext): Record<string, string> {
  return boardFlagEnv(cli.resolveConfig().flags);
}

function percent(n: number): string {
  return `${Math.round(n)}%`;
}

/** Extra lines `coral bench` prints for a run on a board: board, tool, NPU load, versions. */
export function rknnRunLines(r: RunRecord): string[] {
  const x = r.extra as {
    board?: { name: string; soc: string | null; librknnrt: string | null; virtual: boolean };
    benchmarkTool?: { path: string };
    npuLoad?: { unavailable?: string; summary: Array<{ core: number; mean: number; max: number }> };
    runtimeVersion?: string | null;
    driverVersion?: string | null;
    logAvgMs?: number | null;
    logAvgFps?: number | null;
  };
  // runs imported from a log carry only the board's name; they are printed by `bench import`
  if (!x.board || typeof x.board !== 'object') return [];
  const lines = [
    `Board      ${x.board.name}${x.board.virtual ? ' (virtual)' : ''}: ${x.board.soc ?? '?'}, librknnrt ${x.runtimeVersion ?? x.board.librknnrt ?? '?'}, driver ${x.driverVersion ?? '?'}`,
  ];
  if (x.benchmarkTool) lines.push(`Tool       ${x.benchmarkTool.path}`);
  const mask = r.options.coreMask;
  lines.push(
    `Options    ${r.options.iterations ?? '?'} loops (+5 warm-up), core mask ${mask === null || mask === undefined ? 'default' : `${mask} (${describeCoreMask(mask)})`}`,
  );
  if (x.npuLoad?.unavailable) lines.push(`NPU load   not recorded: ${x.npuLoad.unavailable}`);
  else if (x.npuLoad?.summary.length)
    lines.push(
      `NPU load   ${x.npuLoad.summary.map((c) => `core${c.core} ${percent(c.mean)} (max ${percent(c.max)})`).join(', ')}`,
    );
  if (x.logAvgMs !== null && x.logAvgMs !== undefined)
    lines.push(
      `rknn_benchmark  Avg Time ${x.logAvgMs.toFixed(2)} ms, Avg FPS ${x.logAvgFps?.toFixed(3) ?? '-'}`,
    );
  return lines;
}

function boardCheckText(c: BoardCheck): string {
  const b = c.board;
  const lines = [
    `board      ${b.name}${b.virtual ? ' (virtual)' : ''}  [${b.transport}]`,
    `soc        ${b.soc ?? 'unknown'}${b.npuCores ? `, ${b.npuCores} NPU core${b.npuCores === 1 ? '' : 's'}` : ''}${b.driverVersion ? `, driver ${b.driverVersion}` : ''}`,
    `librknnrt  ${b.librknnrt ?? 'not found'}`,
    `tool       ${'tool' in c.benchmark ? c.benchmark.tool.path : `not found (${c.benchmark.error.hint ?? c.benchmark.error.message})`}`,
  ];
  if (c.npuLoadUnavailable) lines.push(`npu load   not recordable: ${c.npuLoadUnavailable}`);
  return `${lines.join('\n')}\n\n${compatText(c.compat)}`;
}

function parseMask(raw: string): number {
  if (!/^\d+$/.test(raw.trim()))
    throw usageError(`--core-mask must be a number (0, 1, 2, 4, 3 or 7), got "${raw}"`);
  return Number(raw);
}

export function register(program: Command, cli: CliContext): void {
  const rknn = program
    .command('rknn')
    .description('Rockchip NPU models (.rknn): inspect, check against a board, local NPU status');

  rknn
    .command('inspect')
    .description('describe a .rknn model: toolkit version, target platforms, tensors, size, sha256')
    .argument('<model>', 'the .rknn file')
    .option('--json', 'print one JSON object')
    .action(async (model: string, opts: { json?: boolean }) => {
      const info = await inspectRknn(model);
      if (opts.json) printJson(cli.io, info);
      else cli.io.out(inspectText(info));
    });

  const check = rknn
    .command('check')
    .description(
      'will the model run on a board? target SoC, toolkit vs librknnrt, core mask (--board asks the board itself)',
    )
    .argument('<model>', 'the .rknn file')
    .option('--board <target>', 'a saved board or a target (ssh://…, adb:…): probe it and check')
    .option('--soc <name>', `without --board: the board's SoC (${KNOWN_SOCS.join(', ')})`)
    .option('--librknnrt <version>', "without --board: the board's librknnrt version (e.g. 2.3.0)")
    .option('--core-mask <mask>', 'a core mask to check too (0 auto, 1/2/4 one core, 3, 7)')
    .option('--name <name>', 'without --board: a name for the board in messages')
    .option('--json', 'print one JSON object (exit 1 when the verdict is error)');
  addBoardOptions(check).action(
    async (
      model: string,
      opts: {
        soc?: string;
        librknnrt?: string;
        coreMask?: string;
        board?: string;
        name?: string;
        json?: boolean;
      } & BoardFlags,
    ) => {
      if (opts.board) {
        if (opts.soc || opts.librknnrt) {
          throw usageError('give --board (the board is asked) or --soc/--librknnrt, not both');
        }
        const info = await inspectRknn(model);
        const remote = await cliBoards(cli, opts)(opts.board);
        let result: BoardCheck;
        try {
          result = await checkOnBoard(info, remote, {
            ...(opts.coreMask !== undefined ? { coreMask: parseMask(opts.coreMask) } : {}),
            configuredBenchmark: cli.env.CORAL_RKNN_BENCHMARK || null,
            workDir: resolveWorkDir(remote, cli.env),
          });
        } finally {
          await remote.release();
        }
        if (opts.json) {
          const { probe: _probe, compat, ...rest } = result;
          printJson(cli.io, { model: info.file, ...compat, ...rest });
        } else cli.io.out(boardCheckText(result));
        if (result.compat.verdict === 'error') throw new CliExit(EXIT_INVALID);
        return;
      }
      if (!opts.soc) {
        throw usageError(
          'say which board: --board TARGET (probes it), or --soc NAME [--librknnrt VERSION]',
        );
      }
      if (!socInfo(opts.soc)) {
        throw usageError(`unknown SoC "${opts.soc}"`, `Use one of ${KNOWN_SOCS.join(', ')}.`);
      }
      const info = await inspectRknn(model);
      const result = checkCompatibility(
        info,
        {
          soc: opts.soc,
          librknnrtVersion: opts.librknnrt ?? null,
          ...(opts.name ? { name: opts.name } : {}),
        },
        opts.coreMask !== undefined ? { coreMask: parseMask(opts.coreMask) } : {},
      );
      if (opts.json) printJson(cli.io, { model: info.file, ...result });
      else cli.io.out(compatText(result));
      if (result.verdict === 'error') throw new CliExit(EXIT_INVALID);
    },
  );

  rknn
    .command('status')
    .description('the local NPU path: native addon, librknnrt (set CORAL_RKNN_LIB to choose one)')
    .option('--json', 'print one JSON object')
    .action((opts: { json?: boolean }) => {
      const status = rknnLocalStatus(cli.env);
      if (opts.json) return printJson(cli.io, status);
      cli.io.out(
        [
          `addon      ${status.addon.ok ? `built (${status.addon.path})` : `${status.addon.state}: ${status.addon.reason}`}`,
          `librknnrt  ${status.library.ok ? `${status.library.path}${status.library.version ? `, version ${status.library.version}` : ''}` : status.library.reason}`,
          `available  ${status.available ? 'yes' : `no: ${status.reason}`}`,
        ].join('\n'),
      );
    });

  rknn
    .command('core-masks')
    .description('the core masks a SoC accepts')
    .argument('<soc>', `one of ${KNOWN_SOCS.join(', ')}`)
    .action((soc: string) => {
      const info = socInfo(soc);
      if (!info)
        throw new CoralError('USAGE', `Unknown SoC "${soc}".`, {
          hint: `Use one of ${KNOWN_SOCS.join(', ')}.`,
        });
      const masks = [0, 1, 2, 4, 3, 7].filter(
        (m) => validateCoreMask(info.soc, m).verdict === 'ok',
      );
      cli.io.out(
        table(
          ['mask', 'cores'],
          masks.map((m) => [m, describeCoreMask(m)]),
        ),
      );
    });

  const bench = program.commands.find((c) => c.name() === 'bench');
  registerBenchImport(
    bench ?? program.command('bench').description('benchmarks (import of rknn_benchmark logs)'),
    cli,
  );
}
