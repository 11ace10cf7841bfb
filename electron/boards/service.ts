/**
 * BoardsService: everything the Boards view (through IPC) and other rooms need, in one
 * object. It owns the saved-board store, one transport per connected board, telemetry
 * watchers, adb device tracking and virtual boards, and disposes all of them.
 *
 * Human decisions (trust an unknown host key, a password, a key passphrase) are asked through
 * `prompt` events answered with `answerPrompt(id, answer)`, or through a PromptFn given to
 * the constructor. Answers live in memory only.
 */
import crypto from 'node:crypto';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CoralError, toCoralError, type CoralErrorShape } from '../runtime/errors';
import type { Logger } from '../runtime/types';
import {
  AdbServer,
  type AdbDeviceEvent,
  type AdbDeviceInfo,
  type AdbServerOptions,
  type AdbServerStatus,
  type AdbTracker,
} from './adb/server';
import { appKnownHostsFile, createTransport } from './connect';
import { probe, type ProbeReport } from './probe';
import { listSshAliases, type SshAlias } from './ssh/config';
import { removeKnownHost } from './ssh/known-hosts';
import { BoardStore, type BoardOptions, type SavedBoard } from './store';
import { TelemetryWatcher, type TelemetrySample } from './telemetry';
import { noopLogger } from './transport-base';
import type {
  ConnectionState,
  ExecOptions,
  ExecResult,
  PromptFn,
  PromptRequest,
  TransferOptions,
  TransferResult,
  Transport,
} from './types';
import { VirtualBoard } from './sim';
import { listShippedProfiles } from './sim/profile';
import { ensureKeyPair, simKeyDir } from './sim/keys';
import { captureSecrets } from '../diagnostics/secrets';

export interface BoardView extends SavedBoard {
  state: ConnectionState;
  watched: boolean;
  virtual: boolean;
  error?: CoralErrorShape;
}

export interface VirtualBoardInfo {
  id: string;
  boardId: string;
  profile: { id: string; name: string; soc: string };
  targets: { ssh?: string; adb?: string };
  hostKeyFingerprint: string;
  /** The key file the app logs in with. */
  identityFile: string;
}

export interface BoardsEvents {
  'board-state': {
    boardId: string;
    state: ConnectionState;
    error?: CoralErrorShape;
    attempt?: number;
    delayMs?: number;
  };
  'boards-changed': { boards: BoardView[] };
  prompt: { id: string; boardId: string | null; request: PromptRequest };
  'prompt-closed': { id: string };
  telemetry: { boardId: string; sample: TelemetrySample };
  'telemetry-error': { boardId: string; error: CoralErrorShape };
  'adb-devices': { devices: AdbDeviceInfo[]; change?: AdbDeviceEvent };
  'adb-error': { error: CoralErrorShape };
  'virtual-boards': { boards: VirtualBoardInfo[] };
}

export interface BoardsServiceOptions {
  dataDir: string;
  env?: NodeJS.ProcessEnv;
  log?: Logger;
  /** CORAL_ENABLE_* flags (board-runtime flags) exported to every remote command. */
  remoteEnv?: () => Record<string, string>;
  /** Answers prompts directly; without it, prompts are emitted as `prompt` events. */
  prompt?: PromptFn;
  /** How long an unanswered prompt waits before it counts as declined. */
  promptTimeoutMs?: number;
  adb?: AdbServerOptions;
  /** Track adb devices (default true). */
  trackAdb?: boolean;
  sshConfigPath?: string;
  telemetryIntervalMs?: number;
  store?: BoardStore;
}

interface Live {
  transport: Transport;
  unsubscribe: () => void;
  watcher: TelemetryWatcher | null;
  error?: CoralErrorShape;
}

export class BoardsService {
  private readonly emitter = new EventEmitter();
  readonly store: BoardStore;
  private readonly live = new Map<string, Live>();
  private readonly prompts = new Map<
    string,
    { resolve: (v: string | null) => void; timer: NodeJS.Timeout }
  >();
  private readonly virtuals = new Map<string, { vb: VirtualBoard; info: VirtualBoardInfo }>();
  private readonly log: Logger;
  private readonly env: NodeJS.ProcessEnv;
  private readonly adbServer: AdbServer;
  private tracker: AdbTracker | null = null;
  private disposed = false;

  constructor(private readonly o: BoardsServiceOptions) {
    this.env = o.env ?? process.env;
    this.log = o.log ?? noopLogger;
    this.store = o.store ?? BoardStore.open(o.dataDir);
    this.emitter.setMaxListeners(100);
    this.adbServer = new AdbServer({ env: this.env, log: this.log, ...(o.adb ?? {}) });
    if (o.trackAdb ?? true) this.startAdbTracking();
  }

  on<K extends keyof BoardsEvents>(event: K, listener: (e: BoardsEvents[K]) => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  private emit<K extends keyof BoardsEvents>(event: K, payload: BoardsEvents[K]): void {
    this.emitter.emit(event, payload);
  }

  // ---- saved boards ----------------------------------------------------------------------

  list(): BoardView[] {
    return this.store.list().map((b) => this.view(b));
  }

  private view(b: SavedBoard): BoardView {
    const live = this.live.get(b.id);
    return {
      ...b,
      state: live?.transport.state ?? 'idle',
      watched: Boolean(live?.watcher),
      virtual: b.kind === 'virtual',
      ...(live?.error ? { error: live.error } : {}),
    };
  }

  private changed(): void {
    this.emit('boards-changed', { boards: this.list() });
  }

  add(input: { target: string; name?: string; options?: BoardOptions }): BoardView {
    const b = this.store.add(input);
    this.changed();
    return this.view(b);
  }

  async remove(idOrName: string): Promise<void> {
    const b = this.store.require(idOrName);
    await this.disconnect(b.id);
    for (const [vid, v] of this.virtuals) if (v.info.boardId === b.id) await this.stopVirtual(vid);
    this.store.remove(b.id);
    this.changed();
  }

  rename(idOrName: string, name: string): BoardView {
    const b = this.store.rename(this.store.require(idOrName).id, name);
    this.changed();
    return this.view(b);
  }

  // ---- connections -----------------------------------------------------------------------

  private ensureTransport(b: SavedBoard): Live {
    const existing = this.live.get(b.id);
    if (existing && existing.transport.state !== 'closed') return existing;
    const virtual = [...this.virtuals.values()].find((v) => v.info.boardId === b.id);
    const transport = createTransport(b.target, {
      dataDir: this.o.dataDir,
      env: this.env,
      // Answers to password/passphrase prompts are remembered (in memory) so reports scrub them.
      prompt: captureSecrets((req) => this.ask(b.id, req)),
      ...(virtual ? { trustNewHost: virtual.info.hostKeyFingerprint } : {}),
      ...(b.options.identityFile ? { identityFile: b.options.identityFile } : {}),
      ...(this.o.sshConfigPath ? { sshConfigPath: this.o.sshConfigPath } : {}),
      adb: this.adbServer,
      log: this.log,
    });
    const live: Live = { transport, watcher: null, unsubscribe: () => {} };
    live.unsubscribe = transport.onState((e) => {
      live.error = e.error;
      if (e.state === 'connected') {
        delete live.error;
        this.store.seen(b.id);
      }
      this.emit('board-state', {
        boardId: b.id,
        state: e.state,
        ...(e.error ? { error: e.error } : {}),
        ...(e.attempt ? { attempt: e.attempt, delayMs: e.delayMs } : {}),
      });
    });
    this.live.set(b.id, live);
    return live;
  }

  async connect(idOrName: string): Promise<BoardView> {
    const b = this.store.require(idOrName);
    const live = this.ensureTransport(b);
    try {
      await live.transport.connect();
    } catch (e) {
      throw toCoralError(e, 'BOARD_CONNECT_FAILED');
    } finally {
      this.changed();
    }
    return this.view(this.store.require(b.id));
  }

  async disconnect(idOrName: string): Promise<void> {
    const b = this.store.require(idOrName);
    const live = this.live.get(b.id);
    if (!live) return;
    this.live.delete(b.id);
    live.watcher?.dispose();
    await live.transport.close();
    live.unsubscribe();
    this.changed();
  }

  /** The board's transport (connected on first use); for the RKNN adapter's remote runs. */
  async transport(idOrName: string): Promise<Transport> {
    const live = this.ensureTransport(this.store.require(idOrName));
    await live.transport.connect();
    return live.transport;
  }

  async probe(
    idOrName: string,
    options: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<ProbeReport> {
    const b = this.store.require(idOrName);
    const t = await this.transport(b.id);
    const report = await probe(t, { workDir: b.options.workDir ?? '/tmp', ...options });
    this.store.seen(b.id, {
      soc: report.soc,
      boardModel: report.boardModel,
      virtual: report.virtual,
    });
    this.changed();
    return report;
  }

  async exec(idOrName: string, command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const t = await this.transport(idOrName);
    return t.exec(command, {
      ...options,
      env: { ...(this.o.remoteEnv?.() ?? {}), ...(options.env ?? {}) },
    });
  }

  async push(
    idOrName: string,
    local: string,
    remote: string,
    options: TransferOptions = {},
  ): Promise<TransferResult> {
    return (await this.transport(idOrName)).push(local, remote, options);
  }

  async pull(
    idOrName: string,
    remote: string,
    local: string,
    options: TransferOptions = {},
  ): Promise<TransferResult> {
    return (await this.transport(idOrName)).pull(remote, local, options);
  }

  /** Removes the app's remembered host key of a board (after a legitimate reinstall). */
  forgetHostKey(host: string, port: number): number {
    return removeKnownHost(appKnownHostsFile(this.o.dataDir), host, port);
  }

  // ---- telemetry -------------------------------------------------------------------------

  async watch(idOrName: string, intervalMs?: number): Promise<void> {
    const b = this.store.require(idOrName);
    const live = this.ensureTransport(b);
    if (live.watcher) return;
    await live.transport.connect();
    live.watcher = new TelemetryWatcher(live.transport, {
      intervalMs: intervalMs ?? this.o.telemetryIntervalMs ?? 1000,
      onSample: (sample) => this.emit('telemetry', { boardId: b.id, sample }),
      onError: (error) => this.emit('telemetry-error', { boardId: b.id, error }),
      log: this.log,
    }).start();
    this.changed();
  }

  unwatch(idOrName: string): void {
    const b = this.store.require(idOrName);
    const live = this.live.get(b.id);
    if (!live?.watcher) return;
    live.watcher.dispose();
    live.watcher = null;
    this.changed();
  }

  // ---- prompts ---------------------------------------------------------------------------

  private ask(boardId: string, request: PromptRequest): Promise<string | null> {
    if (this.o.prompt) return this.o.prompt(request);
    const id = crypto.randomUUID();
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => this.answerPrompt(id, null),
        this.o.promptTimeoutMs ?? 5 * 60_000,
      );
      this.prompts.set(id, { resolve, timer });
      this.emit('prompt', { id, boardId, request });
    });
  }

  /** Answers a prompt: 'yes' to trust a host key, the secret for passwords; null declines. */
  answerPrompt(id: string, answer: string | null): boolean {
    const p = this.prompts.get(id);
    if (!p) return false;
    this.prompts.delete(id);
    clearTimeout(p.timer);
    p.resolve(answer);
    this.emit('prompt-closed', { id });
    return true;
  }

  // ---- adb -------------------------------------------------------------------------------

  /**
   * Starts adb device tracking ('adb-devices' events); idempotent. The IPC layer can call it
   * when the first window subscribes (or pass trackAdb: true), and stopAdbTracking() after.
   */
  startAdbTracking(): void {
    if (this.tracker || this.disposed) return;
    const tracker = this.adbServer.trackDevices();
    this.tracker = tracker;
    tracker.on('device', (change: AdbDeviceEvent) =>
      this.emit('adb-devices', { devices: tracker.list(), change }),
    );
    tracker.on('failure', (e: CoralError) => this.emit('adb-error', { error: e.toJSON() }));
    tracker.on('server-lost', () => this.emit('adb-devices', { devices: [] }));
  }

  async stopAdbTracking(): Promise<void> {
    if (!this.tracker) return;
    this.tracker = null;
    await this.adbServer.dispose();
  }

  adbDevices(): AdbDeviceInfo[] {
    return this.tracker?.list() ?? [];
  }

  async adbStatus(): Promise<AdbServerStatus> {
    return this.adbServer.status();
  }

  sshAliases(): SshAlias[] {
    return listSshAliases({
      env: this.env,
      ...(this.o.sshConfigPath ? { configPath: this.o.sshConfigPath } : {}),
    });
  }

  // ---- virtual boards --------------------------------------------------------------------

  listProfiles(): Array<{ dir: string; id: string; name: string; soc: string }> {
    return listShippedProfiles();
  }

  listVirtual(): VirtualBoardInfo[] {
    return [...this.virtuals.values()].map((v) => v.info);
  }

  /**
   * Starts a virtual board in this process and saves it as a board (kind `virtual`), logged
   * in with the app's own sim key; its host key is trusted by fingerprint, since we made it.
   */
  async startVirtual(input: {
    profile: string;
    sshPort?: number;
    adbPort?: number | null;
    name?: string;
  }): Promise<VirtualBoardInfo> {
    const keyDir = simKeyDir(this.o.dataDir);
    const hostKey = ensureKeyPair(
      path.join(keyDir, 'ssh_host_ed25519_key'),
      'coral-virtual-board-host',
    );
    const client = ensureKeyPair(
      path.join(keyDir, 'client_ed25519'),
      `coral-studio@${os.hostname()}`,
    );
    const vb = await VirtualBoard.start({
      profile: input.profile,
      hostKey: hostKey.privateKey,
      authorizedKeys: [client.publicKey],
      sshPort: input.sshPort ?? 0,
      adbPort: input.adbPort === undefined ? 0 : input.adbPort,
      log: this.log,
    });
    const target = vb.targets().ssh as string;
    const baseName = input.name ?? `${vb.profile.id} (virtual)`;
    let board = this.store.list().find((b) => b.kind === 'virtual' && b.name === baseName);
    if (board) this.store.setTarget(board.id, target);
    else
      board = this.store.add({
        target,
        name: baseName,
        kind: 'virtual',
        options: { identityFile: client.file, profile: vb.profile.id },
      });
    const info: VirtualBoardInfo = {
      id: crypto.randomUUID(),
      boardId: board.id,
      profile: { id: vb.profile.id, name: vb.profile.name, soc: vb.profile.soc },
      targets: vb.targets(),
      hostKeyFingerprint: vb.hostKeyFingerprint,
      identityFile: client.file,
    };
    // a fresh transport picks up the new port and the trusted fingerprint
    await this.disconnect(board.id);
    this.virtuals.set(info.id, { vb, info });
    this.emit('virtual-boards', { boards: this.listVirtual() });
    this.changed();
    return info;
  }

  async stopVirtual(id: string): Promise<void> {
    const v = this.virtuals.get(id);
    if (!v) throw new CoralError('BOARD_NOT_FOUND', `No running virtual board "${id}".`);
    this.virtuals.delete(id);
    if (this.store.get(v.info.boardId)) await this.disconnect(v.info.boardId);
    await v.vb.stop();
    this.emit('virtual-boards', { boards: this.listVirtual() });
  }

  // ---- lifecycle -------------------------------------------------------------------------

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const id of [...this.prompts.keys()]) this.answerPrompt(id, null);
    await Promise.all(
      [...this.live.values()].map(async (l) => {
        l.watcher?.dispose();
        l.unsubscribe();
        await l.transport.close();
      }),
    );
    this.live.clear();
    await Promise.all([...this.virtuals.values()].map((v) => v.vb.stop()));
    this.virtuals.clear();
    await this.adbServer.dispose();
    this.emitter.removeAllListeners();
    if (!this.o.store) this.store.close();
  }
}

/** For tests and reports: the files the boards room keeps in the data directory. */
export function boardsDataFiles(dataDir: string): string[] {
  return [appKnownHostsFile(dataDir), simKeyDir(dataDir)].filter((f) => fs.existsSync(f));
}
