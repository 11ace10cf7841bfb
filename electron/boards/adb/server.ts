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
import { CoralError } from '../../runtime/errors';
import type { Logger } from '../../runtime/types';
import { noopLogger } from '../transport-base';
import { explainAdbState, type AdbDeviceInfo } from './states';
import { AdbTracker } from './tracker';

export { explainAdbState, type AdbDeviceInfo, type AdbDeviceState } from './states';
export { AdbTracker, type AdbDeviceEvent } from './tracker';

// adbkit is CommonJS; Node's ESM loader exposes module.exports as the default export, which
// its typings describe differently, so it is loaded with require.
// Not named `require`: electron-vite's ESM shim declares that name in the bundle.
const requireCjs = createRequire(import.meta.url);
const adbkit = requireCjs('@devicefarmer/adbkit') as typeof Adbkit;

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
