/**
 * The boards section of the IPC layer over the BoardsService: what every page shares (one per
 * service, whatever number of windows and browser tabs).
 *
 * - Lazy watching: telemetry runs for the connected boards while at least one page listens to
 *   `boards.telemetry`, and stops with the last listener (a page that closes the Boards view, or
 *   goes away, stops it). adb tracking (which starts an adb server) likewise follows
 *   `boards.adb` listeners.
 * - Prompts: questions a connection waits on (host key, password, passphrase) are kept until
 *   answered, so a page opened late still shows them; the first page to answer wins. A host key
 *   trusted "once" is not saved; a reconnect of the same board to the same key is not asked
 *   again until the user disconnects. Answers are passed to the service and never kept or logged.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { z } from 'zod';
import type { BoardsService, BoardView } from '../boards/service';
import { listShippedProfiles, loadProfile } from '../boards/sim/profile';
import { CoralError, toCoralError, type CoralErrorShape } from '../runtime/errors';
import type {
  adbEventSchema,
  adbInfoSchema,
  addBoardSchema,
  boardPromptSchema,
  boardTelemetryEventSchema,
  profileSchema,
  promptAnswerSchema,
} from './schemas/boards';
import { toPlain } from './snapshot';

export type BoardPrompt = z.output<typeof boardPromptSchema>;
export type AdbInfo = z.output<typeof adbInfoSchema>;
export type AdbEvent = z.output<typeof adbEventSchema>;
export type BoardTelemetryEvent = z.output<typeof boardTelemetryEventSchema>;
export type BoardProfile = z.output<typeof profileSchema>;
export type PromptAnswer = z.output<typeof promptAnswerSchema>;
export type AddBoardRequest = z.output<typeof addBoardSchema>;

export type PromptEvent = { type: 'open'; prompt: BoardPrompt } | { type: 'closed'; id: string };

/** An error as it crosses the bridge: code, message, hint and a plain detail. */
export function plainError(e: CoralErrorShape): CoralErrorShape {
  const out: CoralErrorShape = { code: e.code, message: e.message };
  if (e.hint) out.hint = e.hint;
  if (e.detail !== undefined) out.detail = toPlain(e.detail);
  return out;
}

export function plainBoard(b: BoardView): BoardView {
  return b.error ? { ...b, error: plainError(b.error) } : b;
}

/** A listener set that runs `start` when the first listener arrives and `stop` after the last. */
class Refcounted<T> {
  private readonly listeners = new Set<(e: T) => void>();
  constructor(
    private readonly start: () => void,
    private readonly stop: () => void,
  ) {}
  add(listener: (e: T) => void): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.start();
    return () => {
      if (this.listeners.delete(listener) && this.listeners.size === 0) this.stop();
    };
  }
  emit(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  get size(): number {
    return this.listeners.size;
  }
}

export class BoardsHub {
  private readonly pending = new Map<string, BoardPrompt>();
  private readonly prompts = new Set<(e: PromptEvent) => void>();
  /** boardId → `host:port fingerprint` trusted once (until the user disconnects the board). */
  private readonly onceTrusted = new Map<string, Set<string>>();
  private readonly offs: Array<() => void> = [];

  private readonly telemetry: Refcounted<BoardTelemetryEvent>;
  private telemetryOffs: Array<() => void> = [];
  /** Boards whose telemetry this hub started. */
  private readonly watching = new Set<string>();

  private readonly adb: Refcounted<AdbEvent>;
  private adbOffs: Array<() => void> = [];
  private adbError: CoralErrorShape | null = null;
  private adbConflict: AdbInfo['conflict'] = null;

  constructor(private readonly service: BoardsService) {
    this.offs.push(
      service.on('prompt', (e) => this.onPrompt(e.id, e.boardId, e.request)),
      service.on('prompt-closed', ({ id }) => {
        if (this.pending.delete(id)) this.emitPrompt({ type: 'closed', id });
      }),
    );
    this.telemetry = new Refcounted(
      () => this.startTelemetry(),
      () => this.stopTelemetry(),
    );
    this.adb = new Refcounted(
      () => this.startAdb(),
      () => this.stopAdb(),
    );
  }

  // ---- list, add, remove -----------------------------------------------------------------

  list() {
    return {
      boards: this.service.list().map(plainBoard),
      adb: this.adbInfo(),
      virtual: this.service.listVirtual(),
      prompts: [...this.pending.values()],
    };
  }

  private view(id: string): BoardView {
    const b = this.service.list().find((x) => x.id === id);
    if (!b) throw new CoralError('BOARD_NOT_FOUND', `No saved board "${id}".`);
    return plainBoard(b);
  }

  add(req: AddBoardRequest): BoardView {
    let identityFile = req.identityFile;
    if (identityFile) {
      identityFile = path.resolve(identityFile.replace(/^~(?=$|[\\/])/, os.homedir()));
      if (!fs.existsSync(identityFile) || !fs.statSync(identityFile).isFile()) {
        throw new CoralError(
          'BOARD_KEY_NOT_FOUND',
          `The key file ${identityFile} does not exist.`,
          {
            hint: 'Give the path of a private key on this computer (e.g. ~/.ssh/id_ed25519), or leave it empty to use ssh-agent, ~/.ssh/config and the default keys.',
          },
        );
      }
    }
    const options = {
      ...(identityFile ? { identityFile } : {}),
      ...(req.workDir ? { workDir: req.workDir } : {}),
    };
    return plainBoard(
      this.service.add({ target: req.target, ...(req.name ? { name: req.name } : {}), options }),
    );
  }

  async remove(id: string): Promise<{ removed: true }> {
    const b = this.service.store.require(id);
    this.onceTrusted.delete(b.id);
    await this.service.remove(b.id);
    return { removed: true };
  }

  // ---- connections -----------------------------------------------------------------------

  /** Connects; cancelling (or the page going away) gives up and closes the attempt. */
  async connect(id: string, signal: AbortSignal): Promise<BoardView> {
    const b = this.service.store.require(id);
    const onAbort = () => {
      this.declinePrompts(b.id);
      void this.service.disconnect(b.id).catch(() => undefined);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await this.service.connect(b.id);
      return this.view(b.id);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  async disconnect(id: string): Promise<BoardView> {
    const b = this.service.store.require(id);
    this.onceTrusted.delete(b.id);
    this.watching.delete(b.id);
    this.declinePrompts(b.id);
    await this.service.disconnect(b.id);
    return this.view(b.id);
  }

  // ---- prompts ---------------------------------------------------------------------------

  onPrompts(listener: (e: PromptEvent) => void): () => void {
    this.prompts.add(listener);
    return () => this.prompts.delete(listener);
  }

  private emitPrompt(e: PromptEvent): void {
    for (const l of [...this.prompts]) l(e);
  }

  private onPrompt(id: string, boardId: string | null, request: BoardPrompt['request']): void {
    if (request.kind === 'host-key' && boardId) {
      const key = `${request.host}:${request.port} ${request.fingerprint}`;
      // the same key again (a reconnect): the user's "once" still holds for this board
      if (this.onceTrusted.get(boardId)?.has(key)) {
        this.service.answerPrompt(id, 'once');
        return;
      }
    }
    const prompt: BoardPrompt = {
      id,
      boardId,
      boardName: boardId ? (this.service.store.get(boardId)?.name ?? null) : null,
      request: { ...request },
    };
    this.pending.set(id, prompt);
    this.emitPrompt({ type: 'open', prompt });
  }

  /** Declines the open questions of a board (its connection attempt is being given up). */
  private declinePrompts(boardId: string): void {
    for (const p of [...this.pending.values()])
      if (p.boardId === boardId) this.service.answerPrompt(p.id, null);
  }

  /** Passes the user's answer on; false when the prompt was already answered or timed out. */
  answer(a: PromptAnswer): { answered: boolean } {
    const p = this.pending.get(a.id);
    if (!p) return { answered: false };
    const isHostKey = p.request.kind === 'host-key';
    if ((a.kind === 'host-key') !== isHostKey && a.kind !== 'decline') {
      throw new CoralError(
        'PROMPT_ANSWER_MISMATCH',
        isHostKey
          ? `The question about ${p.request.target} is a host-key decision, not a secret.`
          : `The question about ${p.request.target} asks for a secret, not a host-key decision.`,
        { hint: 'Answer host keys with once/always/reject and passwords with the secret.' },
      );
    }
    let value: string | null = null;
    if (a.kind === 'host-key' && p.request.kind === 'host-key') {
      value = a.decision === 'always' ? 'yes' : a.decision === 'once' ? 'once' : null;
      if (a.decision === 'once' && p.boardId) {
        const set = this.onceTrusted.get(p.boardId) ?? new Set<string>();
        set.add(`${p.request.host}:${p.request.port} ${p.request.fingerprint}`);
        this.onceTrusted.set(p.boardId, set);
      }
    } else if (a.kind === 'secret') {
      value = a.secret;
    }
    return { answered: this.service.answerPrompt(a.id, value) };
  }

  // ---- probe -----------------------------------------------------------------------------

  probe(id: string, signal: AbortSignal) {
    return this.service.probe(id, { signal });
  }

  // ---- telemetry (lazy) ------------------------------------------------------------------

  /** Telemetry of every connected board while at least one listener is subscribed. */
  onTelemetry(listener: (e: BoardTelemetryEvent) => void): () => void {
    return this.telemetry.add(listener);
  }

  /** Boards whose telemetry runs because pages listen (tests check the laziness with it). */
  get watched(): string[] {
    return [...this.watching];
  }

  private startTelemetry(): void {
    this.telemetryOffs = [
      this.service.on('telemetry', ({ boardId, sample }) =>
        this.telemetry.emit({ boardId, sample }),
      ),
      this.service.on('telemetry-error', ({ boardId, error }) =>
        this.telemetry.emit({ boardId, error: plainError(error) }),
      ),
      this.service.on('board-state', ({ boardId, state }) => {
        if (state === 'connected') this.watch(boardId);
        else if (state === 'closed') this.watching.delete(boardId);
      }),
    ];
    for (const b of this.service.list()) if (b.state === 'connected') this.watch(b.id);
  }

  private watch(boardId: string): void {
    if (this.watching.has(boardId) || this.telemetry.size === 0) return;
    this.watching.add(boardId);
    this.service.watch(boardId).catch((e: unknown) => {
      this.watching.delete(boardId);
      this.telemetry.emit({ boardId, error: plainError(toCoralError(e).toJSON()) });
    });
  }

  private stopTelemetry(): void {
    for (const off of this.telemetryOffs.splice(0)) off();
    for (const id of [...this.watching]) {
      try {
        this.service.unwatch(id);
      } catch {
        // removed meanwhile: nothing left to stop
      }
    }
    this.watching.clear();
  }

  // ---- adb (lazy) ------------------------------------------------------------------------

  onAdb(listener: (e: AdbEvent) => void): () => void {
    return this.adb.add(listener);
  }

  adbInfo(): AdbInfo {
    return {
      tracking: this.adb.size > 0,
      devices: this.adb.size > 0 ? this.service.adbDevices() : [],
      error: this.adbError ? plainError(this.adbError) : null,
      conflict: this.adbConflict,
    };
  }

  private startAdb(): void {
    this.adbError = null;
    this.adbOffs = [
      this.service.on('adb-devices', ({ change }) => {
        this.adbError = null;
        this.adb.emit({ ...this.adbInfo(), ...(change ? { change } : {}) });
      }),
      this.service.on('adb-error', ({ error }) => {
        this.adbError = error;
        this.adb.emit(this.adbInfo());
      }),
    ];
    this.service.startAdbTracking();
    // a server from another adb (RKNN-Toolkit ships its own) makes devices drop out: say so
    this.service.adbStatus().then(
      (s) => {
        this.adbConflict = s.conflict ?? null;
        if (this.adbConflict && this.adb.size > 0) this.adb.emit(this.adbInfo());
      },
      () => undefined, // the tracker reports a missing adb or server by itself
    );
  }

  private stopAdb(): void {
    for (const off of this.adbOffs.splice(0)) off();
    this.adbError = null;
    this.adbConflict = null;
    void this.service.stopAdbTracking();
  }

  sshAliases() {
    return this.service.sshAliases();
  }

  // ---- virtual boards --------------------------------------------------------------------

  profiles(): BoardProfile[] {
    return listShippedProfiles().map((p) => {
      let npuCores: number | null = null;
      let description: string | null = null;
      try {
        const { profile } = loadProfile(p.dir);
        npuCores = profile.npuCores;
        description = profile.description ?? null;
      } catch {
        // listed profiles load; a broken one still shows its name
      }
      return { id: p.id, name: p.name, soc: p.soc, npuCores, description };
    });
  }

  async startVirtual(profile: string) {
    const shipped = listShippedProfiles().find((p) => p.id === profile);
    if (!shipped) {
      throw new CoralError(
        'BOARD_PROFILE_UNKNOWN',
        `There is no shipped board profile "${profile}".`,
        {
          hint: `Pick one of: ${
            listShippedProfiles()
              .map((p) => p.id)
              .join(', ') || '(none shipped)'
          }. Other profile directories run with \`coral board-sim --profile DIR\`.`,
        },
      );
    }
    const virtual = await this.service.startVirtual({ profile: shipped.dir });
    return { virtual, board: this.view(virtual.boardId) };
  }

  async stopVirtual(id: string): Promise<{ stopped: true }> {
    await this.service.stopVirtual(id);
    return { stopped: true };
  }

  dispose(): void {
    for (const off of this.offs.splice(0)) off();
    this.stopTelemetry();
    for (const off of this.adbOffs.splice(0)) off();
    this.prompts.clear();
    this.pending.clear();
  }
}

const hubs = new WeakMap<BoardsService, BoardsHub>();

/** The one hub of a BoardsService (made on first use, by a handler or a page's subscription). */
export function boardsHub(service: BoardsService): BoardsHub {
  let hub = hubs.get(service);
  if (!hub) {
    hub = new BoardsHub(service);
    hubs.set(service, hub);
  }
  return hub;
}
