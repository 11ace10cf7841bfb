import path from 'node:path';
import type { Command } from 'commander';
import { builtinSources } from '../../bench/builtin-sources';
import { openHistory, type HistoryHandle } from '../../bench/history';
import { parseDuration, parseShape } from '../../bench/options';
import { BenchService } from '../../bench/service';
import type { BenchEvent, BenchOptions } from '../../bench/types';
import { inspectOnnx } from '../../backends/onnx/inspect';
import { withWorker } from '../../backends/onnx/worker';
import { resolveBenchOptions } from '../../bench/options';
import { CoralError, describeError } from '../../runtime/errors';
import type { CliContext } from '../context';
import { CliExit, EXIT_INVALID, printJson, table, usageError } from '../output';
import { addBoardOptions, cliBoards, cliRemoteEnv, rknnRunLines, type BoardFlags } from './rknn';

import {
  compareTable,
  formatBytes,
  formatMs,
  inspectText,
  optionsSummary,
  progressPrinter,
  runJson,
  statsTable,
} from './bench-format';

export { formatBytes, formatMs, statsTable, compareTable } from './bench-format';

/** Exit code of a run stopped with Ctrl-C (128 + SIGINT, as shells report it). */
export const EXIT_CANCELLED = 130;

function count(name: string, raw: string, min = 0): number {
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < min) {
    throw usageError(`--${name} must be a whole number ≥ ${min}, got "${raw}"`);
  }
  return Number(raw);
}

function openService(
  cli: CliContext,
  save: boolean,
  boardFlags: BoardFlags = {},
): { service: BenchService; history: HistoryHandle | null } {
  const config = cli.resolveConfig();
  const history = save ? openHistory(cli.dataDir()) : null;
  const service = new BenchService({
    sources: builtinSources({
      rknn: {
        env: cli.env,
        boards: cliBoards(cli, boardFlags),
        remoteEnv: () => cliRemoteEnv(cli),
      },
    }),
    history,
    flags: () => ({
      stream_manager: config.flags.stream_manager.value,
      metric_sink: save && config.flags.metric_sink.value,
    }),
    adapterGate: (name) =>
      config.disabledBackends.value.includes(name)
        ? `it is disabled by disabledBackends (${config.disabledBackends.source})`
        : true,
  });
  return { service, history };
}

function historyOnly(
  cli: CliContext,
): HistoryHandle & { store: NonNullable<HistoryHandle['store']> } {
  const h = openHistory(cli.dataDir());
  if (!h.store) throw h.error ?? new CoralError('HISTORY_UNAVAILABLE', `Cannot open ${h.file}.`);
  return h as HistoryHandle & { store: NonNullable<HistoryHandle['store']> };
}

interface BenchFlags extends BoardFlags {
  board?: string;
  loops?: string;
  coreMask?: string;
  warmup: string;
  iterations?: string;
  duration?: string;
  threads?: string;
  interThreads?: string;
  optLevel: string;
  ep: string;
  shape: string[];
  input: string;
  seed: string;
  adapter?: string;
  label?: string;
  save: boolean;
  json?: boolean;
}

function benchOptions(flags: BenchFlags): BenchOptions {
  if (flags.iterations !== undefined && flags.duration !== undefined) {
    throw usageError('give --iterations or --duration, not both');
  }
  if (flags.loops !== undefined) {
    if (flags.iterations !== undefined || flags.duration !== undefined)
      throw usageError('--loops is the iteration count on a board: give it alone');
    flags.iterations = flags.loops;
  }
  const shapes: Record<string, number[]> = {};
  for (const s of flags.shape) parseShape(s, shapes);
  return resolveBenchOptions({
    warmup: count('warmup', flags.warmup),
    iterations: flags.iterations === undefined ? null : count('iterations', flags.iterations, 1),
    durationMs: flags.duration === undefined ? null : parseDuration(flags.duration),
    intraOpThreads: flags.threads === undefined ? null : count('threads', flags.threads, 1),
    interOpThreads:
      flags.interThreads === undefined ? null : count('inter-threads', flags.interThreads, 1),
    graphOptimization: flags.optLevel,
    executionProvider: flags.ep,
    shapes,
    inputData: flags.input,
    seed: count('seed', flags.seed),
    // rknn_benchmark always runs 5 warm-up iterations; the record says so
    ...(flags.board ? { warmup: 5 } : {}),
    ...(flags.coreMask !== undefined ? { coreMask: count('core-mask', flags.coreMask) } : {}),
  });
}

async function bench(cli: CliContext, model: string, flags: BenchFlags): Promise<void> {
  const options = benchOptions(flags);
  const adapter =
    flags.adapter ?? (path.extname(model).toLowerCase() === '.rknn' ? 'rknn' : 'onnx');
  if (flags.board && adapter !== 'rknn')
    throw usageError(
      '--board runs .rknn models on a board',
      'Give a .rknn model (or --adapter rknn).',
    );
  const { service } = openService(cli, flags.save, flags);
  const status = service.historyStatus();
  if (!status.saving && flags.save && status.reason) {
    cli.io.err(
      `warning: ${status.reason.message}${status.reason.hint ? ` (${status.reason.hint})` : ''}`,
    );
  }
  const tty = !flags.json && cli.io.isTTY && Boolean(process.stderr.isTTY);
  const progress = progressPrinter(tty);
  let finished: Extract<BenchEvent, { type: 'finished' }> | undefined;
  service.subscribe((e) => {
    if (e.type === 'batch') progress.update(e, e.phase === 'done');
    if (e.type === 'finished') finished = e;
  });
  let runId: string | undefined;
  let interrupts = 0;
  const onSigint = () => {
    interrupts += 1;
    if (interrupts > 1) process.exit(EXIT_CANCELLED);
    if (runId) service.cancel(runId);
    if (!flags.json) cli.io.err('\nCancelling (Ctrl-C again to quit at once)…');
  };
  process.on('SIGINT', onSigint);
  try {
    runId = (
      await service.start({
        adapter,
        model,
        options,
        ...(flags.board ? { target: flags.board } : {}),
        ...(flags.label ? { label: flags.label } : {}),
      })
    ).runId;
    if (interrupts > 0) service.cancel(runId);
    const record = await service.wait(runId);
    progress.end();
    const saved = finished?.saved ?? false;
    const notSaved = finished?.notSavedReason;
    if (flags.json) {
      const { samples: _omit, ...summary } = record;
      printJson(
        cli.io,
        runJson(summary, {
          saved,
          ...(notSaved ? { notSavedReason: notSaved } : {}),
        }),
      );
    } else {
      for (const w of record.warnings) cli.io.err(`warning: ${w}`);
      cli.io.out(`Run        ${record.id} (${record.status})`);
      cli.io.out(
        `Model      ${record.model.path}  [${formatBytes(record.model.size)}, sha256 ${record.model.sha256.slice(0, 12)}]`,
      );
      cli.io.out(`Target     ${record.adapter} on ${record.target}`);
      const board = rknnRunLines(record);
      if (board.length) cli.io.out(`${board.join('\n')}\n`);
      else cli.io.out(`Options    ${optionsSummary(record.options)}\n`);
      cli.io.out(statsTable(record.stats));
      if (record.error) {
        cli.io.err(`\nerror: ${record.error.message}`);
        if (record.error.hint) cli.io.err(`hint: ${record.error.hint}`);
      }
      cli.io.out(
        saved
          ? `\nSaved to the run history: coral runs show ${record.id}`
          : `\nNot saved: ${notSaved?.message ?? 'off'}`,
      );
    }
    if (record.status === 'failed' || record.status === 'interrupted')
      throw new CliExit(EXIT_INVALID);
    if (record.status === 'cancelled') throw new CliExit(EXIT_CANCELLED);
  } finally {
    process.off('SIGINT', onSigint);
    progress.end();
    await service.dispose();
  }
}

export function register(program: Command, cli: CliContext): void {
  const collect = (v: string, prev: string[]) => [...prev, v];

  program
    .command('inspect')
    .description('describe an ONNX model: format, producer, opset, inputs and outputs, sha256')
    .argument('<model>', 'the .onnx file')
    .option(
      '--load',
      'also load it in onnxruntime (in a worker process) and time the session creation',
    )
    .option('--json', 'print one JSON object')
    .action(async (model: string, opts: { load?: boolean; json?: boolean }) => {
      const info = await inspectOnnx(model);
      let load: { sessionCreateMs: number } | undefined;
      if (opts.load) {
        const loaded = await withWorker((w) => w.load(info.path, resolveBenchOptions({})));
        load = { sessionCreateMs: loaded.sessionCreateMs };
      }
      if (opts.json) return printJson(cli.io, { ...info, ...(load ? { load } : {}) });
      cli.io.out(inspectText(info));
      if (load) cli.io.out(`\nonnxruntime loaded it in ${formatMs(load.sessionCreateMs)} ms.`);
    });

  const benchCmd = program
    .command('bench')
    .description(
      'benchmark a model locally or on a board (--board); Ctrl-C stops early and keeps (and saves) the partial run',
    )
    .argument('<model>', 'the model file (.onnx, or .rknn with --board)')
    .option('--warmup <n>', 'iterations before measuring', '10')
    .option('--iterations <n>', 'measured iterations (default 100)')
    .option('--duration <time>', 'measure for this long instead (500ms, 10s, 2m)')
    .option('--threads <n>', 'intra-op threads (default: onnxruntime decides)')
    .option('--inter-threads <n>', 'inter-op threads (runs independent operators in parallel)')
    .option('--opt-level <level>', 'graph optimisation: disabled, basic, extended, all', 'all')
    .option('--ep <provider>', 'execution provider (see `coral init`)', 'cpu')
    .option(
      '--shape <name=AxB>',
      'an input shape (images=1x3x640x640) or a symbolic dim (batch=4)',
      collect,
      [],
    )
    .option('--input <kind>', 'input data: random (seeded) or zeros', 'random')
    .option('--seed <n>', 'seed of the random input data', '1')
    .option('--adapter <name>', 'the backend to use (default from the file extension)')
    .option('--label <text>', 'a label stored with the run')
    .option('--no-save', 'do not store the run in the history')
    .option('--json', 'print one JSON object (status, stats in ms, samples count, model, options)')
    .option('--board <target>', '.rknn on a board: a saved board or ssh://…, adb:…, adb+tcp://…')
    .option('--loops <n>', 'on a board: rknn_benchmark loop count (same as --iterations)')
    .option('--core-mask <m>', 'on a board: NPU cores, 0 auto, 1/2/4 one core, 3 (0+1), 7 (all)');
  addBoardOptions(benchCmd).action((model: string, flags: BenchFlags) => bench(cli, model, flags));

  const runs = program.command('runs').description('the benchmark run history');
  runs
    .command('list')
    .description('stored runs, newest first')
    .option('--limit <n>', 'how many', '20')
    .option('--adapter <name>', 'only runs of this adapter')
    .option('--target <id>', 'only runs on this target (local or a board id)')
    .option('--json', 'print JSON')
    .action((opts: { limit: string; adapter?: string; target?: string; json?: boolean }) => {
      const h = historyOnly(cli);
      try {
        const list = h.store.list({
          limit: count('limit', opts.limit, 1),
          ...(opts.adapter ? { adapter: opts.adapter } : {}),
          ...(opts.target ? { target: opts.target } : {}),
        });
        if (opts.json)
          return printJson(
            cli.io,
            list.map((r) => runJson(r)),
          );
        if (!list.length)
          return cli.io.out(`No runs yet in ${h.file}. Start one with \`coral bench MODEL\`.`);
        cli.io.out(
          table(
            [
              'id',
              'started',
              'adapter',
              'target',
              'model',
              'status',
              'samples',
              'mean ms',
              'p50 ms',
              'p99 ms',
            ],
            list.map((r) => [
              r.id,
              r.startedAt.replace('T', ' ').slice(0, 19),
              r.adapter,
              r.target,
              path.basename(r.model.path),
              r.status,
              r.sampleCount,
              formatMs(r.stats.mean),
              formatMs(r.stats.p50),
              formatMs(r.stats.p99),
            ]),
          ),
        );
      } finally {
        h.store.close();
      }
    });
  runs
    .command('show')
    .description('one run: model, options, statistics (an id prefix is enough)')
    .argument('<id>')
    .option('--samples', 'with --json, include every latency')
    .option('--json', 'print JSON')
    .action((id: string, opts: { samples?: boolean; json?: boolean }) => {
      const h = historyOnly(cli);
      try {
        const r = h.store.get(id, { samples: Boolean(opts.samples) });
        if (opts.json) return printJson(cli.io, runJson(r));
        cli.io.out(`Run        ${r.id}${r.label ? ` "${r.label}"` : ''} (${r.status})`);
        cli.io.out(`Started    ${r.startedAt}  finished ${r.finishedAt}`);
        cli.io.out(
          `Model      ${r.model.path}  [${r.model.format}, ${formatBytes(r.model.size)}, sha256 ${r.model.sha256.slice(0, 12)}]`,
        );
        cli.io.out(`Target     ${r.adapter} on ${r.target}`);
        cli.io.out(`Options    ${optionsSummary(r.options)}\n`);
        cli.io.out(statsTable(r.stats));
        for (const w of r.warnings) cli.io.out(`warning: ${w}`);
        if (r.error)
          cli.io.out(`\nerror: ${r.error.message}${r.error.hint ? `\nhint: ${r.error.hint}` : ''}`);
      } finally {
        h.store.close();
      }
    });
  runs
    .command('compare')
    .description('two runs side by side with the ratio (b/a) of each statistic')
    .argument('<a>')
    .argument('<b>')
    .option('--json', 'print JSON')
    .action((a: string, b: string, opts: { json?: boolean }) => {
      const h = historyOnly(cli);
      try {
        const c = h.store.compare(a, b);
        if (opts.json) {
          return printJson(cli.io, {
            a: runJson(c.a),
            b: runJson(c.b),
            sameModel: c.sameModel,
            rows: c.rows,
          });
        }
        if (!c.sameModel) {
          cli.io.err(
            `note: the runs timed different models (${path.basename(c.a.model.path)} vs ${path.basename(c.b.model.path)}).`,
          );
        }
        cli.io.out(
          `a = ${c.a.id}: ${c.a.adapter} on ${c.a.target}, ${optionsSummary(c.a.options)}`,
        );
        cli.io.out(
          `b = ${c.b.id}: ${c.b.adapter} on ${c.b.target}, ${optionsSummary(c.b.options)}\n`,
        );
        cli.io.out(compareTable(c));
      } catch (e) {
        throw e instanceof CoralError ? e : new CoralError('RUNS_COMPARE_FAILED', describeError(e));
      } finally {
        h.store.close();
      }
    });
}
