#!/usr/bin/env node
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { CliContext } from './context';
import { commandModules } from './commands';
import { CliExit, EXIT_OK, EXIT_USAGE, printError, processIo, type Io } from './output';
import { APP_VERSION } from '../runtime/version';

/** Builds the `coral` program; exported so tests can run it in-process when useful. */
export function buildProgram(io: Io = processIo, env: NodeJS.ProcessEnv = process.env): Command {
  const program = new Command('coral');
  const collect = (v: string, prev: string[]) => [...prev, v];
  program
    .description('Coral Studio from the terminal: runtime, models, benchmarks, boards, reports.')
    .version(APP_VERSION, '-V, --version')
    .option('--config <file>', 'config file (coral.config.json or .yaml); else CORAL_CONFIG')
    .option('--set <key=value>', 'override a config field, e.g. flags.webrtc=false', collect, [])
    .option('--plugin-dir <dir>', 'an extra plugin directory', collect, [])
    .configureOutput({
      writeOut: (s) => io.out(s.replace(/\n$/, '')),
      writeErr: (s) => io.err(s.replace(/\n$/, '')),
    })
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  const ctx = new CliContext(program, io, env);
  for (const mod of commandModules) mod.register(program, ctx);
  // Subcommands inherit exitOverride/output settings only when set before they are added.
  for (const cmd of program.commands) applyRecursively(cmd, io);
  return program;
}

function applyRecursively(cmd: Command, io: Io): void {
  cmd.exitOverride();
  cmd.configureOutput({
    writeOut: (s) => io.out(s.replace(/\n$/, '')),
    writeErr: (s) => io.err(s.replace(/\n$/, '')),
  });
  for (const sub of cmd.commands) applyRecursively(sub, io);
}

export async function runCli(
  argv: string[],
  io: Io = processIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const program = buildProgram(io, env);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (e) {
    if (e instanceof CliExit) return e.exitCode;
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return EXIT_OK;
      if (e.code === 'commander.help') return EXIT_OK;
      return EXIT_USAGE;
    }
    const json = argv.includes('--json');
    return printError(io, e, json);
  }
}

// Run when this file is the program (node main.ts / node out/main/cli.js), not when imported.
const invokedDirectly = isMainModule();
if (invokedDirectly) {
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.exitCode = printError(processIo, e);
    },
  );
}

function isMainModule(): boolean {
  if (!process.argv[1]) return false;
  try {
    return fs.realpathSync(process.argv[1]) === fs.realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}
