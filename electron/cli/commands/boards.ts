/**
 * `coral board probe|exec|watch TARGET`, `coral boards list|add|remove`, and
 * `coral board-sim --profile DIR` (a virtual board that runs until stopped).
 * The work is in ./boards-actions, imported when one of these commands runs.
 */
import type { Command } from 'commander';
import type { CliContext } from '../context';
import type { SimOptions, TargetOptions } from './boards-actions';

const actions = () => import('./boards-actions');

function addTargetOptions(cmd: Command): Command {
  return cmd
    .option(
      '--trust-new-host',
      'trust and remember the host key of a board seen for the first time',
    )
    .option('-i, --identity <file>', 'SSH private key to log in with')
    .option('--timeout <ms>', 'time-out of the operation in ms');
}

const TARGET_HELP =
  'ssh://user@host[:port], a ~/.ssh/config alias, a saved board, adb:SERIAL or adb+tcp://host:port';

export function register(program: Command, cli: CliContext): void {
  const board = program
    .command('board')
    .description('one board: probe it, run a command on it, watch its telemetry');

  addTargetOptions(
    board
      .command('probe')
      .description(
        'what the board is: SoC, NPU and driver, RKNN runtime, OS, CPU, memory, temperatures',
      )
      .argument('<target>', TARGET_HELP)
      .option('--json', 'print one JSON object')
      .option('--work-dir <dir>', 'report free space of this directory on the board', '/tmp'),
  ).action(async (target: string, opts: TargetOptions & { json?: boolean; workDir: string }) =>
    (await actions()).probeAction(cli, target, opts),
  );

  addTargetOptions(
    board
      .command('exec')
      .description(
        'run a command on the board; exits with its exit code (coral board exec TARGET -- CMD)',
      )
      .argument('<target>', TARGET_HELP)
      .argument('<command...>', 'the command line (after --)')
      .option('--json', 'print {code, stdout, stderr, durationMs} instead of streaming'),
  ).action(async (target: string, command: string[], opts: TargetOptions & { json?: boolean }) =>
    (await actions()).execAction(cli, target, command, opts),
  );

  addTargetOptions(
    board
      .command('watch')
      .description('live telemetry (NPU load per core, CPU, temperatures, memory) until Ctrl-C')
      .argument('<target>', TARGET_HELP)
      .option('--interval <ms>', 'sampling interval', '1000')
      .option('--count <n>', 'stop after n samples')
      .option('--json', 'one JSON object per sample'),
  ).action(
    async (
      target: string,
      opts: TargetOptions & { interval: string; count?: string; json?: boolean },
    ) => (await actions()).watchAction(cli, target, opts),
  );

  const boards = program.command('boards').description('saved boards and adb devices');
  boards
    .command('list')
    .description('saved boards, and the devices the adb server sees')
    .option('--json', 'print one JSON object')
    .action(async (opts: { json?: boolean }) => (await actions()).listAction(cli, opts));
  boards
    .command('add')
    .description('save a board (no secrets are saved)')
    .argument('<target>', TARGET_HELP)
    .option('--name <name>', 'a name for it')
    .option('-i, --identity <file>', 'SSH private key file to use')
    .option('--work-dir <dir>', 'where models go on the board')
    .action(async (target: string, opts: { name?: string; identity?: string; workDir?: string }) =>
      (await actions()).addAction(cli, target, opts),
    );
  boards
    .command('remove')
    .description('forget a saved board')
    .argument('<name>', 'its name or id')
    .action(async (name: string) => (await actions()).removeAction(cli, name));

  program
    .command('board-sim')
    .description('run a virtual board (SSH + ADB on loopback) serving a profile, until Ctrl-C')
    .option('--profile <dir>', 'a profile directory, or a shipped profile id (see --list-profiles)')
    .option('--ssh-port <n>', 'SSH port (0 = any free port)', '0')
    .option('--adb-port <n>', 'ADB port (0 = any free port)', '0')
    .option('--no-ssh', 'no SSH side')
    .option('--no-adb', 'no ADB side')
    .option('--authorized-keys <file>', 'also accept the public keys in this file')
    .option('--password', 'also accept a password (asked now, kept in memory only)')
    .option(
      '--adb-auth <mode>',
      "'none' (default) or 'deny' (the device stays unauthorized)",
      'none',
    )
    .option('--list-profiles', 'list the shipped profiles and exit')
    .option('--json', 'print the targets as one JSON line')
    .action(async (opts: SimOptions) => (await actions()).simAction(cli, opts));
}
