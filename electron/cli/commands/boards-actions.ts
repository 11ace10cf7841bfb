/**
 * What `coral board …`, `coral boards …` and `coral board-sim` do. Registered by ./boards.ts
 * and loaded only when one of them runs: ssh2, adbkit and the sim are not small, and every
 * other `coral` command would pay for them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CoralError, toCoralError } from '../../runtime/errors';
import { boardFlagEnv } from '../../runtime/flags';
import { RuntimeLog } from '../../runtime/log';
import { AdbServer } from '../../boards/adb/server';
import { createTransport } from '../../boards/connect';
import { probe, type ProbeReport } from '../../boards/probe';
import { BoardStore, type SavedBoard } from '../../boards/store';
import { parseTarget } from '../../boards/target';
import { TelemetryWatcher, type TelemetrySample } from '../../boards/telemetry';
import type { Transport } from '../../boards/types';
import { VirtualBoard } from '../../boards/sim';
import { listShippedProfiles } from '../../boards/sim/profile';
import { ensureKeyPair, simKeyDir } from '../../boards/sim/keys';
import type { CliContext } from '../context';
import { askSecret, terminalPrompt } from './boards-prompt';
import { CliExit, EXIT_INVALID, EXIT_OK, printJson, table, usageError } from '../output';

export interface TargetOptions {
  trustNewHost?: boolean;
  identity?: string;
  timeout?: string;
}

function timeoutOf(opts: TargetOptions, fallback: number): number {
  if (opts.timeout === undefined) return fallback;
  const n = Number(opts.timeout);
  if (!Number.isFinite(n) || n <= 0)
    throw usageError(`--timeout must be a positive number of ms, not "${opts.timeout}".`);
  return n;
}

/** A saved board by name/id, else the target as typed. */
function resolveBoard(cli: CliContext, target: string): { target: string; saved?: SavedBoard } {
  const parsed = parseTarget(target);
  if (parsed.kind !== 'ssh' || !parsed.maybeAlias) return { target };
  const dbFile = path.join(cli.dataDir(), 'coral.db');
  if (!fs.existsSync(dbFile)) return { target };
  const store = BoardStore.open(cli.dataDir());
  try {
    const saved = store.find(target);
    return saved ? { target: saved.target, saved } : { target };
  } finally {
    store.close();
  }
}

function openTransport(
  cli: CliContext,
  target: string,
  opts: TargetOptions,
  log: RuntimeLog,
): Transport {
  const { target: resolved, saved } = resolveBoard(cli, target);
  const identity = opts.identity ?? saved?.options.identityFile;
  const prompt = terminalPrompt(cli);
  return createTransport(resolved, {
    dataDir: cli.dataDir(),
    env: cli.env,
    ...(opts.trustNewHost ? { trustNewHost: true } : {}),
    ...(identity ? { identityFile: identity } : {}),
    ...(prompt ? { prompt } : {}),
    reconnect: { enabled: false },
    log,
  });
}

/** CORAL_ENABLE_* of the resolved config, exported to remote commands. */
function remoteEnv(cli: CliContext): Record<string, string> {
  try {
    return boardFlagEnv(cli.resolveConfig().flags);
  } catch {
    return {};
  }
}

export function formatProbe(r: ProbeReport): string {
  const npu =
    r.npu === 'none'
      ? 'none'
      : `${r.npu.cores} core${r.npu.cores === 1 ? '' : 's'}, driver ${r.npu.driverVersion ?? 'unknown'}${r.npu.load ? `, load ${r.npu.load.map((c) => `${c.percent}%`).join(' ')}` : ''}`;
  const server = r.runtime.rknnServer;
  const rows: Array<[string, string]> = [
    ['target', `${r.target}${r.virtual ? ' (virtual)' : ''}`],
    ['soc', r.soc ?? 'not a Rockchip board'],
    ['boardModel', r.boardModel ?? '-'],
    ['npu', npu],
    ['librknnrt', r.runtime.librknnrt ?? (r.npu === 'none' ? '-' : 'not installed')],
    [
      'rknnServer',
      server.installed
        ? `${server.version ?? 'unknown version'} (${server.running ? 'running' : 'not running'})`
        : 'not installed',
    ],
    ['os', r.os.name ?? '-'],
    ['kernel', `${r.kernel.release ?? '-'} (${r.kernel.arch ?? '?'})`],
    ['cpu', `${r.cpu.count} × ${r.cpu.model ?? 'unknown'}`.replace(/^(\d+) × (\d+×)/, '$2')],
    ['memory', r.memory ? `${r.memory.availableMb} MB available of ${r.memory.totalMb} MB` : '-'],
    ['disk', r.disk ? `${r.disk.freeMb} MB free in ${r.disk.path} (of ${r.disk.totalMb} MB)` : '-'],
    ['temperatures', r.temperatures.map((t) => `${t.type} ${t.celsius} °C`).join(', ') || '-'],
    ['user', r.user.root ? 'root' : `uid ${r.user.uid ?? '?'} (not root)`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
  if (r.warnings.length) lines.push('', 'warnings:', ...r.warnings.map((w) => `  - ${w}`));
  lines.push('', `probed in ${r.durationMs} ms, ${r.roundTrips} round trip`);
  return lines.join('\n');
}

function formatSample(s: TelemetrySample): string {
  const parts = [s.time.slice(11, 19)];
  parts.push(`cpu ${s.cpu ? `${s.cpu.total.toFixed(1)}%` : '  …  '}`);
  if (s.npu)
    parts.push(
      `npu ${s.npu.map((c) => `${c.percent}%${c.absurd !== undefined ? '!' : ''}`).join(' ')}`,
    );
  else parts.push(`npu ${s.npuUnavailable ?? '-'}`);
  if (s.memory) parts.push(`mem ${s.memory.usedPercent}%`);
  parts.push(...s.temperatures.slice(0, 3).map((t) => `${t.type} ${t.celsius}°C`));
  return parts.join('  ');
}

async function withTransport<T>(
  cli: CliContext,
  target: string,
  opts: TargetOptions,
  fn: (t: Transport) => Promise<T>,
): Promise<T> {
  const log = new RuntimeLog();
  const t = openTransport(cli, target, opts, log);
  try {
    return await fn(t);
  } finally {
    await t.close();
  }
}

export async function probeAction(
  cli: CliContext,
  target: string,
  opts: TargetOptions & { json?: boolean; workDir: string },
): Promise<void> {
  const report = await withTransport(cli, target, opts, (t) =>
    probe(t, { workDir: opts.workDir, timeoutMs: timeoutOf(opts, 30_000) }),
  );
  if (opts.json) printJson(cli.io, report);
  else cli.io.out(formatProbe(report));
}

export async function execAction(
  cli: CliContext,
  target: string,
  command: string[],
  opts: TargetOptions & { json?: boolean },
): Promise<void> {
  const line = command.join(' ');
  const controller = new AbortController();
  const onSig = () => controller.abort();
  process.once('SIGINT', onSig);
  try {
    const res = await withTransport(cli, target, opts, (t) =>
      t.exec(line, {
        env: remoteEnv(cli),
        signal: controller.signal,
        ...(opts.timeout ? { timeoutMs: timeoutOf(opts, 0) } : {}),
        ...(opts.json
          ? {}
          : {
              collect: false,
              onStdout: (d) => process.stdout.write(d),
              onStderr: (d) => process.stderr.write(d),
            }),
      }),
    );
    if (opts.json) {
      printJson(cli.io, res);
      throw new CliExit(res.code === 0 ? EXIT_OK : EXIT_INVALID);
    }
    throw new CliExit(Math.min(255, Math.max(0, res.code)));
  } finally {
    process.off('SIGINT', onSig);
  }
}

export async function watchAction(
  cli: CliContext,
  target: string,
  opts: TargetOptions & { interval: string; count?: string; json?: boolean },
): Promise<void> {
  const interval = Number(opts.interval);
  const count = opts.count === undefined ? Infinity : Number(opts.count);
  if (!Number.isFinite(interval) || interval < 100)
    throw usageError(`--interval must be at least 100 ms, not "${opts.interval}".`);
  if (opts.count !== undefined && (!Number.isInteger(count) || count < 1))
    throw usageError(`--count must be a positive integer, not "${opts.count}".`);
  await withTransport(cli, target, opts, async (t) => {
    await t.connect();
    if (!opts.json) cli.io.err(`Watching ${t.target} every ${interval} ms (Ctrl-C stops).`);
    await new Promise<void>((resolve, reject) => {
      let n = 0;
      let failures = 0;
      const watcher = new TelemetryWatcher(t, {
        intervalMs: interval,
        onSample: (s) => {
          failures = 0;
          cli.io.out(opts.json ? JSON.stringify(s) : formatSample(s));
          s.warnings.forEach((w) => !opts.json && cli.io.err(`warning: ${w}`));
          if (++n >= count) done();
        },
        onError: (e) => {
          cli.io.err(`error: ${e.message}`);
          if (++failures >= 5) {
            done();
            reject(new CoralError(e.code, e.message, e.hint ? { hint: e.hint } : {}));
          }
        },
      }).start();
      const done = () => {
        watcher.dispose();
        process.off('SIGINT', done);
        process.off('SIGTERM', done);
        resolve();
      };
      process.once('SIGINT', done);
      process.once('SIGTERM', done);
    });
  });
}

export async function listAction(cli: CliContext, opts: { json?: boolean }): Promise<void> {
  const store = BoardStore.open(cli.dataDir());
  const saved = store.list();
  store.close();
  const adb = new AdbServer({ env: cli.env });
  let devices: Awaited<ReturnType<AdbServer['devices']>> = [];
  let adbError: ReturnType<CoralError['toJSON']> | null = null;
  if (adb.binaryPath() || cli.env.ANDROID_ADB_SERVER_PORT) {
    try {
      devices = await adb.devices();
    } catch (e) {
      adbError = toCoralError(e).toJSON();
    }
  } else {
    adbError = adb
      .explain(Object.assign(new Error('adb missing'), { code: 'ENOENT' }), 'listing devices')
      .toJSON();
  }
  if (opts.json)
    return printJson(cli.io, {
      boards: saved,
      adbDevices: devices,
      ...(adbError ? { adbError } : {}),
    });
  if (saved.length) {
    cli.io.out(
      table(
        ['name', 'target', 'kind', 'soc', 'last seen'],
        saved.map((b) => [
          b.name,
          b.target,
          b.kind,
          b.lastProbe?.soc,
          b.lastSeenAt?.slice(0, 19).replace('T', ' '),
        ]),
      ),
    );
  } else cli.io.out('No saved boards (add one with `coral boards add TARGET`).');
  cli.io.out('');
  if (adbError) cli.io.out(`adb: ${adbError.message}${adbError.hint ? ` (${adbError.hint})` : ''}`);
  else if (devices.length)
    cli.io.out(
      table(
        ['adb device', 'state', 'meaning'],
        devices.map((d) => [
          d.serial,
          d.state,
          d.ready ? 'ready' : `${d.message}${d.hint ? ` ${d.hint}` : ''}`,
        ]),
      ),
    );
  else cli.io.out('No adb devices.');
}

export function addAction(
  cli: CliContext,
  target: string,
  opts: { name?: string; identity?: string; workDir?: string },
): void {
  const store = BoardStore.open(cli.dataDir());
  try {
    const b = store.add({
      target,
      ...(opts.name ? { name: opts.name } : {}),
      options: {
        ...(opts.identity ? { identityFile: path.resolve(opts.identity) } : {}),
        ...(opts.workDir ? { workDir: opts.workDir } : {}),
      },
    });
    cli.io.out(`Saved ${b.name}: ${b.target}`);
  } finally {
    store.close();
  }
}

export function removeAction(cli: CliContext, name: string): void {
  const store = BoardStore.open(cli.dataDir());
  try {
    const b = store.require(name);
    store.remove(b.id);
    cli.io.out(`Removed ${b.name}.`);
  } finally {
    store.close();
  }
}

function portOption(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw usageError(`${name} must be a port number (0 = any free port), not "${v}".`);
  return n;
}

export interface SimOptions {
  profile?: string;
  sshPort: string;
  adbPort: string;
  ssh: boolean;
  adb: boolean;
  authorizedKeys?: string;
  password?: boolean;
  adbAuth: string;
  listProfiles?: boolean;
  json?: boolean;
}

export async function simAction(cli: CliContext, opts: SimOptions): Promise<void> {
  if (opts.listProfiles) {
    cli.io.out(
      table(
        ['id', 'soc', 'name', 'directory'],
        listShippedProfiles().map((p) => [p.id, p.soc, p.name, p.dir]),
      ),
    );
    return;
  }
  if (!opts.profile)
    throw usageError(
      '--profile is required.',
      `Shipped profiles: ${listShippedProfiles()
        .map((p) => p.id)
        .join(', ')}.`,
    );
  if (opts.adbAuth !== 'none' && opts.adbAuth !== 'deny')
    throw usageError(`--adb-auth must be none or deny, not "${opts.adbAuth}".`);
  const keyDir = simKeyDir(cli.dataDir());
  const hostKey = ensureKeyPair(
    path.join(keyDir, 'ssh_host_ed25519_key'),
    'coral-virtual-board-host',
  );
  const client = ensureKeyPair(
    path.join(keyDir, 'client_ed25519'),
    `coral-studio@${os.hostname()}`,
  );
  const home = cli.env.HOME ?? os.homedir();
  const userKeys = ['id_ed25519.pub', 'id_ecdsa.pub', 'id_rsa.pub']
    .map((f) => path.join(home, '.ssh', f))
    .filter((f) => fs.existsSync(f));
  let password: string | undefined;
  if (opts.password) {
    if (!process.stdin.isTTY)
      throw usageError('--password needs a terminal to ask for the password.');
    password = (await askSecret('Password for the virtual board: ')) ?? undefined;
  }
  const vb = await VirtualBoard.start({
    profile: opts.profile,
    hostKey: hostKey.privateKey,
    authorizedKeys: [
      client.publicKey,
      ...userKeys,
      ...(opts.authorizedKeys ? [opts.authorizedKeys] : []),
    ],
    sshPort: opts.ssh ? portOption(opts.sshPort, '--ssh-port') : null,
    adbPort: opts.adb ? portOption(opts.adbPort, '--adb-port') : null,
    adbAuth: opts.adbAuth as 'none' | 'deny',
    ...(password !== undefined ? { password } : {}),
  });
  const t = vb.targets();
  if (opts.json) {
    cli.io.out(
      JSON.stringify({
        profile: vb.profile.id,
        soc: vb.profile.soc,
        virtual: true,
        targets: t,
        hostKeyFingerprint: vb.hostKeyFingerprint,
        identityFile: client.file,
      }),
    );
  } else {
    cli.io.out(`Virtual board "${vb.profile.name}" (${vb.profile.soc}) is running.`);
    if (t.ssh) {
      cli.io.out(`  ssh  ${t.ssh}   host key ${vb.hostKeyFingerprint}`);
      cli.io.out(`       coral board probe ${t.ssh} -i ${client.file} --trust-new-host`);
    }
    if (t.adb) {
      cli.io.out(`  adb  ${t.adb}`);
      cli.io.out(`       adb connect ${t.adb.replace('adb+tcp://', '')}`);
    }
    cli.io.out('Press Ctrl-C to stop.');
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await vb.stop();
  if (!opts.json) cli.io.err('Virtual board stopped.');
}
