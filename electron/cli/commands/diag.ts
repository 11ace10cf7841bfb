import fs from 'node:fs';
import type { Command } from 'commander';
import { HistoryStore } from '../../bench/history';
import { BoardsService } from '../../boards/service';
import { boardsProvider } from '../../diagnostics/boards';
import {
  baseSources,
  buildReport,
  DEFAULT_LOG,
  DEFAULT_RUNS,
  headerLines,
  historyProvider,
  parseFormat,
  redactionLine,
  runtimeProvider,
  SECTION_NAMES,
  sectionLine,
  SectionUnavailable,
  writeReport,
  type BuiltReport,
  type ReportOptions,
  type ReportSources,
  type SectionName,
} from '../../diagnostics';
import { RuntimeLog } from '../../runtime/log';
import type { CliContext } from '../context';
import { printJson, usageError } from '../output';

interface BuildFlags {
  runs: string;
  log: string;
  anonymize?: boolean;
  skip?: string;
  json?: boolean;
}

function count(name: string, raw: string): number {
  if (!/^\d+$/.test(raw.trim()))
    throw usageError(
      `--${name} must be a whole number ≥ 0, got "${raw}"`,
      `e.g. --${name} ${name === 'runs' ? DEFAULT_RUNS : DEFAULT_LOG}`,
    );
  return Number(raw);
}

function skipped(raw: string | undefined): Partial<Record<SectionName, boolean>> {
  const out: Partial<Record<SectionName, boolean>> = {};
  for (const part of (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (!(SECTION_NAMES as readonly string[]).includes(part)) {
      throw usageError(
        `--skip: unknown section "${part}"`,
        `Sections: ${SECTION_NAMES.join(', ')}.`,
      );
    }
    out[part as SectionName] = false;
  }
  return out;
}

/**
 * What the CLI can report on: the runtime (initialised here, like `coral init`), the run
 * history and the saved boards when the data directory has them (no board is dialled), this
 * session's secrets. Returns a closer for what it opened.
 */
function cliSources(cli: CliContext): { sources: ReportSources; close: () => Promise<void> } {
  let store: HistoryStore | null = null;
  let boards: BoardsService | null = null;
  const dbFile = HistoryStore.fileIn(cli.dataDir());
  const sources: ReportSources = {
    ...baseSources(cli.env),
    runtime: {
      async snapshot() {
        const ctx = await cli.initRuntime(new RuntimeLog());
        return runtimeProvider(() => ctx).snapshot({ signal: new AbortController().signal });
      },
    },
    runs: historyProvider(() => {
      if (!fs.existsSync(dbFile)) {
        throw new SectionUnavailable(`No run history yet (${dbFile} does not exist).`);
      }
      store ??= HistoryStore.open(dbFile);
      return store;
    }),
    boards: {
      boards(call) {
        if (!fs.existsSync(dbFile)) {
          throw new SectionUnavailable(`No saved boards yet (${dbFile} does not exist).`);
        }
        boards ??= new BoardsService({ dataDir: cli.dataDir(), env: cli.env, trackAdb: false });
        return boardsProvider(boards).boards(call);
      },
    },
  };
  return {
    sources,
    close: async () => {
      store?.close();
      await boards?.dispose();
    },
  };
}

async function build(cli: CliContext, flags: BuildFlags): Promise<BuiltReport> {
  const options: ReportOptions = {
    runs: count('runs', flags.runs),
    log: count('log', flags.log),
    anonymize: Boolean(flags.anonymize),
    sections: skipped(flags.skip),
  };
  const { sources, close } = cliSources(cli);
  try {
    return await buildReport(sources, options);
  } finally {
    await close();
  }
}

function withBuildOptions(cmd: Command): Command {
  return cmd
    .option('--runs <n>', 'how many of the latest benchmark runs to include', String(DEFAULT_RUNS))
    .option('--log <n>', 'how many of the latest log entries to include', String(DEFAULT_LOG))
    .option(
      '--anonymize',
      'also replace host names, IPs, serials and user names with host-1, ip-1 …',
    )
    .option(
      '--skip <sections>',
      `sections to leave out, comma-separated (${SECTION_NAMES.join(', ')})`,
    )
    .option('--json', 'print JSON');
}

export function register(program: Command, cli: CliContext): void {
  const diag = program
    .command('diag')
    .description('diagnostic reports to attach to bug tickets (secrets redacted)');

  withBuildOptions(
    diag
      .command('export')
      .description('write a report: report.json + report.html in a .zip (default), or one of them')
      .option('--out <file>', 'file or folder to write to (default: the current folder)')
      .option('--format <format>', 'zip, json or html (default: from --out, else zip)'),
  ).action(async (flags: BuildFlags & { out?: string; format?: string }) => {
    const format = flags.format ? parseFormat(flags.format) : undefined;
    const { json } = await build(cli, flags);
    const written = writeReport(json, { out: flags.out, ...(format ? { format } : {}) });
    if (flags.json) {
      return printJson(cli.io, {
        path: written.path,
        format: written.format,
        bytes: written.bytes,
        sections: Object.fromEntries(SECTION_NAMES.map((s) => [s, json[s].status])),
        redaction: json.redaction,
      });
    }
    cli.io.out(`Wrote ${written.path} (${(written.bytes / 1024).toFixed(1)} KiB)`);
    for (const s of SECTION_NAMES) cli.io.out(`  ${sectionLine(json, s)}`);
    cli.io.out(`  ${redactionLine(json)}`);
  });

  withBuildOptions(
    diag.command('show').description('print a summary of the report that export would write'),
  ).action(async (flags: BuildFlags) => {
    const { json } = await build(cli, flags);
    if (flags.json) return printJson(cli.io, json);
    for (const line of headerLines(json)) cli.io.out(line);
    for (const s of SECTION_NAMES) cli.io.out(sectionLine(json, s));
    if (json.runtime.status === 'ok') {
      for (const f of json.runtime.data.failures)
        cli.io.out(`  failure [${f.phase}] ${f.source}: ${f.message}`);
    }
    if (json.boards.status === 'ok') {
      for (const b of json.boards.data.boards) {
        cli.io.out(`  board ${b.name} ${b.target}${b.error ? ` — ${b.error.message}` : ''}`);
      }
    }
    if (json.runs.status === 'ok') {
      for (const r of json.runs.data.runs) {
        const p50 = r.stats.find((s) => s.key === 'p50')?.value;
        cli.io.out(
          `  run ${r.id} ${r.backend} ${r.model} ${r.status}${typeof p50 === 'number' ? ` p50 ${p50.toFixed(2)} ms` : ''}`,
        );
      }
    }
    cli.io.out(redactionLine(json));
  });
}
