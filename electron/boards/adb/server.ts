/**
 * The adb server, through @devicefarmer/adbkit: finding the adb binary, the server version
 * conflict RKNN-Toolkit's bundled adb causes, live device tracking (restarted when the
 * server restarts), and what each device state means for the user.
 */
import { execFile } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as Adbkit from '@devicefarmer/adbkit';
import type { Client as AdbClient, Device, DeviceClient } from '@devicefarmer/adbkit';
import { CoralError, toCoralError } from '../../runtime/errors';
import type { Logger } from '../../runtime/types';
import { noopLogger } from '../transport-base';

// adbkit is CommonJS; Node's ESM loader exposes module.exports as the default export, which
// its typings describe differently, so it is loaded with require.
const require = createRequire(import.meta.url);
const adbkit = require('@devicefarmer/adbkit') as typeof Adbkit;

export type AdbDeviceState =
  | 'device'
  | 'unauthorized'
  | 'offline'
  | 'no-permissions'
  | 'recovery'
  | 'bootloader'
  | 'sideload'
  | 'authorizing'
  | 'connecting'
  | 'unknown';

export interface AdbDeviceInfo {
  serial: string;
  state: AdbDeviceState;
  /** True when commands can run. */
  ready: boolean;
  /** What the state means, for the user. */
  message: string;
  hint?: string;
  /** `adb+tcp://host:port` devices were connected over the network. */
  network: boolean;
}

export function explainAdbState(serial: string, raw: string): AdbDeviceInfo {
  const network = /^[\w.-]+:\d+$/.test(serial);
  const base = { serial, network };
  switch (raw) {
    case 'device':
    case 'emulator':
      return {
        ...base,
        state: 'device',
        ready: true,
        message: `${serial} is connected and ready.`,
      };
    case 'unauthorized':
      return {
        ...base,
        state: 'unauthorized',
        ready: false,
        message: `${serial} has not authorized this computer for debugging.`,
        hint: "Accept the 'Allow USB debugging?' prompt on the board. Without a screen, copy ~/.android/adbkey.pub into the board's /data/misc/adb/adb_keys (Android) or /etc/adb_keys and restart adbd.",
      };
    case 'offline':
      return {
        ...base,
        state: 'offline',
        ready: false,
        message: `${serial} is attached but its adbd does not answer (offline).`,
        hint: network
          ? 'Check that the board is up and adbd listens on that port; `adb disconnect` then connect again.'
          : 'Replug the cable, or restart adbd on the board; `adb reconnect offline` can help.',
      };
    case 'authorizing':
    case 'connecting':
      return {
        ...base,
        state: raw,
        ready: false,
        message: `${serial} is ${raw}; it should be ready in a moment.`,
      };
    case 'recovery':
    case 'bootloader':
    case 'sideload':
      return {
        ...base,
        state: raw,
        ready: false,
        message: `${serial} is in ${raw} mode, not running its normal system.`,
        hint: 'Reboot the board into its normal system to use it.',
      };
    default:
      if (/permission/i.test(raw) || raw === 'no') {
        return {
          ...base,
          state: 'no-permissions',
          ready: false,
          message: `This user may not open the USB device ${serial}.`,
          hint: 'Add a udev rule for the board (Rockchip vendor id 2207) with MODE="0666", reload udev rules and replug.',
        };
      }
      return {
        ...base,
        state: 'unknown',
        ready: false,
        message: `${serial} is in the state "${raw}", which Coral does not know.`,
      };
  }
}

export interface AdbServerOptions {
  host?: string;
  /** Defaults to ANDROID_ADB_SERVER_PORT, else 5037. */
  port?: number;
  /** The adb binary; defaults to CORAL_ADB, else `adb` on PATH. */
  bin?: string;
  env?: NodeJS.ProcessEnv;
  log?: Logger;
}

/** Parses `adb version` output: `Android Debug Bridge version 1.0.41` → 41. */
export function parseAdbVersion(text: string): number | null {
  const m = /Android Debug Bridge version \d+\.\d+\.(\d+)/.exec(text);
  return m ? Number(m[1]) : null;
}

function findOnPath(bin: string, env: NodeJS.ProcessEnv): string | null {
  if (bin.includes('/') || bin.includes(path.sep)) return fs.existsSync(bin) ? bin : null;
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const name of process.platform === 'win32' ? [`${bin}.exe`, bin] : [bin]) {
      const p = path.join(dir, name);
      try {
        fs.accessSync(p, fs.constants.X_OK);
        return p;
      } catch {
        // keep looking
      }
    }
  }
  return null;
}

export interface AdbServerStatus {
  address: string;
  bin: string | null;
  clientVersion: number | null;
  serverVersion: number | null;
  /** Set when the running server comes from a different adb than ours. */
  conflict?: { code: string; message: string; hint: string };
}

export class AdbServer extends EventEmitter {
  readonly host: string;
  readonly port: number;
  readonly bin: string;
  readonly client: AdbClient;
  private readonly env: NodeJS.ProcessEnv;
  private readonly log: Logger;
  private tracker: AdbTracker | null = null;

  constructor(o: AdbServerOptions = {}) {
    super();
    this.env = o.env ?? process.env;
    this.log = o.log ?? noopLogger;
    this.host = o.host ?? this.env.ANDROID_ADB_SERVER_ADDRESS ?? '127.0.0.1';
    this.port = o.port ?? (Number(this.env.ANDROID_ADB_SERVER_PORT) || 5037);
    this.bin = o.bin ?? this.env.CORAL_ADB ?? 'adb';
    // adbkit starts a missing server with `bin`, looked up on the process's PATH; resolve it on
    // *our* PATH, so "no adb here" stays true instead of silently starting some other adb.
    const resolved =
      findOnPath(this.bin, this.env) ?? path.join(path.sep, 'nonexistent', 'adb-not-on-path');
    this.client = new adbkit.Client({ host: this.host, port: this.port, bin: resolved });
  }

  get address(): string {
    return `${this.host}:${this.port}`;
  }

  binaryPath(): string | null {
    return findOnPath(this.bin, this.env);
  }

  /** Turns adbkit failures into errors that say what is wrong with adb. */
  explain(e: unknown, doing: string): CoralError {
    if (e instanceof CoralError) return e;
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT' || (err.code === 'ECONNREFUSED' && !this.binaryPath())) {
      return new CoralError(
        'ADB_NOT_FOUND',
        `adb is not installed (no "${this.bin}" on PATH), and no adb server runs on ${this.address}.`,
        {
          hint: 'Install Android platform-tools (Debian/Ubuntu: apt install adb), or point CORAL_ADB at an adb binary.',
          cause: e,
        },
      );
    }
    if (err.code === 'ECONNREFUSED') {
      return new CoralError(
        'ADB_SERVER_UNAVAILABLE',
        `The adb server on ${this.address} is not running and could not be started.`,
        {
          hint: `Run "${this.bin} -P ${this.port} start-server" and look at its error.`,
          cause: e,
        },
      );
    }
    return new CoralError('ADB_FAILED', `adb failed while ${doing}: ${err.message}`, {
      hint: `Check the adb server on ${this.address} (adb devices -l).`,
      cause: e,
    });
  }

  private clientVersion(): Promise<number | null> {
    const bin = this.binaryPath();
    if (!bin) return Promise.resolve(null);
    return new Promise((resolve) => {
      execFile(bin, ['version'], { timeout: 5000 }, (e, stdout) =>
        resolve(e ? null : parseAdbVersion(stdout)),
      );
    });
  }

  /** Versions of our adb and of the running server, and whether they conflict. */
  async status(): Promise<AdbServerStatus> {
    const [clientVersion, serverVersion] = await Promise.all([
      this.clientVersion(),
      this.client.version().then(
        (v: number) => v,
        (e: unknown) => {
          throw this.explain(e, 'asking the server version');
        },
      ),
    ]);
    const status: AdbServerStatus = {
      address: this.address,
      bin: this.binaryPath(),
      clientVersion,
      serverVersion,
    };
    if (clientVersion !== null && serverVersion !== null && clientVersion !== serverVersion) {
      status.conflict = {
        code: 'ADB_VERSION_CONFLICT',
        message: `The adb server on ${this.address} is version ${serverVersion}, but ${status.bin} is version ${clientVersion}: two different adb installations are in use (RKNN-Toolkit ships its own), and each kills the other's server, so devices drop out.`,
        hint: `Use one adb everywhere: put the same adb first on PATH (or set CORAL_ADB to it), then run "adb kill-server" once. Or give Coral its own server with ANDROID_ADB_SERVER_PORT.`,
      };
    }
    return status;
  }

  async devices(): Promise<AdbDeviceInfo[]> {
    try {
      const list = await this.client.listDevices();
      return list.map((d: Device) => explainAdbState(d.id, d.type));
    } catch (e) {
      throw this.explain(e, 'listing devices');
    }
  }

  /** `adb connect host:port`; resolves with the serial. */
  async connect(host: string, port: number): Promise<string> {
    try {
      await this.client.connect(host, port);
      return `${host}:${port}`;
    } catch (e) {
      const msg = (e as Error).message ?? '';
      // the device answered but wants authorization: it is listed as `unauthorized`
      if (/authenticate|unauthorized/i.test(msg)) return `${host}:${port}`;
      if (/failed to connect|refused|unable to connect|timed out/i.test(msg)) {
        throw new CoralError(
          'BOARD_UNREACHABLE',
          `adb could not connect to ${host}:${port}: ${msg.trim()}.`,
          {
            hint: 'Check that adbd listens on that port on the board (setprop service.adb.tcp.port 5555; restart adbd).',
            cause: e,
          },
        );
      }
      throw this.explain(e, `connecting to ${host}:${port}`);
    }
  }

  async disconnect(host: string, port: number): Promise<void> {
    try {
      await this.client.disconnect(host, port);
    } catch {
      // already gone
    }
  }

  device(serial: string): DeviceClient {
    return this.client.getDevice(serial);
  }

  /** The shared device tracker (started on first use). */
  trackDevices(): AdbTracker {
    if (!this.tracker) {
      this.tracker = new AdbTracker(this, this.log);
      this.tracker.start();
    }
    return this.tracker;
  }

  async dispose(): Promise<void> {
    const t = this.tracker;
    this.tracker = null;
    await t?.stop();
  }
}

export interface AdbDeviceEvent {
  type: 'add' | 'remove' | 'change';
  device: AdbDeviceInfo;
}

/**
 * Tracks devices live: `add`, `remove`, `change` events with explained states, plus
 * `server-lost` / `server-restarted` when the adb server goes away (another adb killed it)
 * and tracking resumes with backoff. Emits `failure` (a CoralError) when tracking cannot start, e.g. adb is missing — not `error`, which would crash a process that forgot to listen.
 */
export class AdbTracker extends EventEmitter {
  private tracker: Awaited<ReturnType<AdbClient['trackDevices']>> | null = null;
  private known = new Map<string, AdbDeviceInfo>();
  private stopped = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private refreshTimer: NodeJS.Timeout | null = null;
  private attempt = 0;
  private everConnected = false;

  constructor(
    private readonly server: AdbServer,
    private readonly log: Logger,
  ) {
    super();
  }

  list(): AdbDeviceInfo[] {
    return [...this.known.values()];
  }

  start(): void {
    void this.open();
  }

  private async open(): Promise<void> {
    if (this.stopped) return;
    try {
      const tracker = await this.server.client.trackDevices();
      if (this.stopped) {
        tracker.end();
        return;
      }
      this.tracker = tracker;
      const restarted = this.everConnected;
      this.everConnected = true;
      this.attempt = 0;
      tracker.on('changeSet', (set: { added: Device[]; removed: Device[]; changed: Device[] }) => {
        for (const d of set.removed) this.update('remove', d);
        for (const d of set.added) this.update('add', d);
        for (const d of set.changed) this.update('change', d);
      });
      tracker.on('error', (e: unknown) =>
        this.log.debug('boards', `adb tracker: ${toCoralError(e).message}`),
      );
      tracker.on('end', () => {
        if (this.stopped) return;
        this.tracker = null;
        this.emit('server-lost');
        this.log.warn(
          'boards',
          `The adb server on ${this.server.address} went away; tracking restarts.`,
        );
        for (const d of [...this.known.values()]) {
          this.known.delete(d.serial);
          this.emit('device', { type: 'remove', device: d } satisfies AdbDeviceEvent);
        }
        this.scheduleRetry();
      });
      if (restarted) this.emit('server-restarted');
      this.emit('ready');
    } catch (e) {
      const err = this.server.explain(e, 'tracking devices');
      this.emit('failure', err);
      if (err.code !== 'ADB_NOT_FOUND') this.scheduleRetry();
    }
  }

  private update(type: AdbDeviceEvent['type'], d: Device): void {
    const info = explainAdbState(d.id, d.type);
    if (type === 'remove') this.known.delete(d.id);
    else this.known.set(d.id, info);
    this.emit('device', { type, device: info } satisfies AdbDeviceEvent);
    this.refreshSoon();
  }

  /**
   * adb's track-devices does not announce every state change (a network device that turns
   * `unauthorized`, or one it keeps `offline` while retrying), so while a device is not ready
   * the list is re-read every couple of seconds and differences are emitted as changes.
   */
  private refreshSoon(): void {
    if (this.stopped || this.refreshTimer || ![...this.known.values()].some((d) => !d.ready))
      return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      void this.server.client.listDevices().then(
        (list: Device[]) => {
          if (this.stopped) return;
          for (const d of list) {
            const before = this.known.get(d.id);
            if (before && explainAdbState(d.id, d.type).state !== before.state)
              this.update('change', d);
          }
          this.refreshSoon();
        },
        () => {
          // the tracker's own 'end' handles a server that went away
        },
      );
    }, 2000);
  }

  private scheduleRetry(): void {
    if (this.stopped || this.retryTimer) return;
    const delay = Math.min(10_000, 500 * 2 ** this.attempt++);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.open();
    }, delay);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.retryTimer = null;
    this.refreshTimer = null;
    const t = this.tracker;
    this.tracker = null;
    if (t) {
      t.removeAllListeners('end');
      t.on('error', () => {});
      t.end();
    }
    this.removeAllListeners('device');
  }
}

const servers = new Map<string, AdbServer>();

/** One AdbServer per address, shared by transports and the boards service. */
export function sharedAdbServer(o: AdbServerOptions = {}): AdbServer {
  const probe = new AdbServer(o);
  const key = `${probe.address}|${probe.bin}`;
  let s = servers.get(key);
  if (!s) {
    s = probe;
    servers.set(key, s);
  }
  return s;
}

export async function disposeSharedAdbServers(): Promise<void> {
  const all = [...servers.values()];
  servers.clear();
  await Promise.all(all.map((s) => s.dispose()));
}
