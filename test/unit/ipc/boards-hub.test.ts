/**
 * The boards section of the IPC layer against real parts: the real handler table and Session
 * over a real BoardsService, whose boards are real virtual boards speaking SSH on loopback.
 * What a page sees: trust decisions (once / always / reject, a changed key refused with both
 * fingerprints), password prompts that never leave a trace, lazy telemetry and adb tracking.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BoardsService } from '../../../electron/boards/service';
import { VirtualBoard } from '../../../electron/boards/sim';
import { generateKeyPair } from '../../../electron/boards/sim/keys';
import { boardsHub } from '../../../electron/ipc/boards-hub';
import type { BoardInfo, BoardPrompt, Envelope, EventName } from '../../../electron/ipc/contract';
import { IpcServer } from '../../../electron/ipc/handlers';
import { Session } from '../../../electron/ipc/session';
import { RuntimeService } from '../../../electron/runtime/service';
import { freePort } from '../../helpers/sshd';
import { tempDir } from '../../helpers/plugins';

let home: string;
let dataDir: string;
let runtime: RuntimeService;
let boards: BoardsService;
let server: IpcServer;
const sims: VirtualBoard[] = [];
const sessions: Session[] = [];

beforeAll(async () => {
  home = tempDir('coral-boards-hub-home-');
  dataDir = tempDir('coral-boards-hub-data-');
  fs.mkdirSync(path.join(home, '.ssh'));
  fs.writeFileSync(
    path.join(home, '.ssh', 'config'),
    'Host rock5b\n  HostName 10.0.0.7\n  User radxa\n  Port 2222\n\nHost *.lab\n  User root\n\nHost zero3 luckfox\n  HostName 10.0.0.8\n',
  );
  const env = {
    HOME: home,
    PATH: process.env.PATH ?? '',
    // adb must not be found: tracking then reports exactly that (and starts no server)
    CORAL_ADB: path.join(home, 'no-adb-here'),
    ANDROID_ADB_SERVER_PORT: String(await freePort()),
  };
  runtime = new RuntimeService({ env: { CORAL_DATA_DIR: dataDir }, dataDir });
  await runtime.start();
  boards = new BoardsService({
    dataDir,
    env,
    log: runtime.log,
    trackAdb: false,
    telemetryIntervalMs: 150,
  });
  server = new IpcServer({
    app: { mode: 'browser', versions: {}, dataDir },
    runtime,
    boards,
  });
});

afterEach(async () => {
  for (const s of sessions.splice(0)) s.dispose();
  for (const b of boards.list()) await boards.remove(b.id);
  await Promise.all(sims.splice(0).map((s) => s.stop()));
});

afterAll(async () => {
  server?.dispose();
  await boards?.dispose();
  await runtime?.dispose();
  fs.rmSync(home, { recursive: true, force: true });
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** A page: requests through a real Session, events recorded. */
function page(name = 'page') {
  const events: Array<{ event: EventName; data: unknown }> = [];
  const waiters = new Set<() => void>();
  const session = new Session(
    server,
    (event, data) => {
      events.push({ event, data });
      for (const w of [...waiters]) w();
    },
    name,
  );
  sessions.push(session);
  const call = async <T>(channel: string, payload: unknown = {}): Promise<T> => {
    const res = (await session.request(channel, payload)) as Envelope<T>;
    if (!res.ok) throw Object.assign(new Error(res.error.message), res.error);
    return res.data;
  };
  const next = <T>(event: EventName, match: (d: T) => boolean = () => true, ms = 10_000) =>
    new Promise<T>((resolve, reject) => {
      const check = () => {
        const hit = events.find((e) => e.event === event && match(e.data as T));
        if (!hit) return false;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(hit.data as T);
        return true;
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no ${event} event within ${ms} ms`));
      }, ms);
      if (!check()) waiters.add(check);
    });
  return { session, events, call, next };
}

async function sim(o: { hostKey?: string; password?: string; sshPort?: number } = {}) {
  const vb = await VirtualBoard.start({
    profile: 'rk3588-rock5b',
    hostKey: o.hostKey ?? generateKeyPair().privateKey,
    authorizedKeys: [],
    sshPort: o.sshPort ?? 0,
    adbPort: null,
    ...(o.password ? { password: o.password } : {}),
  });
  sims.push(vb);
  return vb;
}

const appKnownHosts = () => path.join(dataDir, 'known_hosts');
/** Whether the app's known_hosts holds a key for the virtual board's address. */
const remembered = (vb: VirtualBoard) =>
  fs.existsSync(appKnownHosts()) &&
  fs.readFileSync(appKnownHosts(), 'utf8').includes(`[127.0.0.1]:${vb.sshPort} `);

describe('trusting a board seen for the first time', () => {
  it('asks with the SHA256 fingerprint; "once" connects without saving the key, and asks again after a disconnect', async () => {
    const vb = await sim({ password: 'pw-once-7781' });
    const p = page();
    p.session.subscribe('boards.prompt');
    const board = await p.call<BoardInfo>('boards.add', { target: vb.targets().ssh });
    const connecting = p.call<BoardInfo>('boards.connect', { id: board.id });
    const ask = await p.next<BoardPrompt>('boards.prompt', (d) => d.request.kind === 'host-key');
    expect(ask).toMatchObject({
      boardId: board.id,
      boardName: board.name,
      request: {
        kind: 'host-key',
        host: '127.0.0.1',
        port: vb.sshPort,
        fingerprint: vb.hostKeyFingerprint,
      },
    });
    expect(vb.hostKeyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    // a page opened now still sees the open question
    const late = await page('late').call<{ prompts: BoardPrompt[] }>('boards.list');
    expect(late.prompts.map((q) => q.id)).toContain(ask.id);

    expect(
      await p.call('boards.answer', { kind: 'host-key', id: ask.id, decision: 'once' }),
    ).toEqual({
      answered: true,
    });
    const pw = await p.next<BoardPrompt>('boards.prompt', (d) => d.request.kind === 'password');
    await p.call('boards.answer', { kind: 'secret', id: pw.id, secret: 'pw-once-7781' });
    expect((await connecting).state).toBe('connected');
    expect(remembered(vb)).toBe(false);

    await p.call('boards.disconnect', { id: board.id });
    const again = p.call<BoardInfo>('boards.connect', { id: board.id });
    const ask2 = await p.next<BoardPrompt>(
      'boards.prompt',
      (d) => d.request.kind === 'host-key' && d.id !== ask.id,
    );
    await p.call('boards.answer', { kind: 'host-key', id: ask2.id, decision: 'reject' });
    await expect(again).rejects.toMatchObject({
      code: 'HOST_KEY_REJECTED',
      message: expect.stringContaining(vb.hostKeyFingerprint),
    });
  });

  it('"always" saves the key in the app\'s known_hosts, so the next connection does not ask', async () => {
    const vb = await sim({ password: 'pw-always-1234' });
    const p = page();
    p.session.subscribe('boards.prompt');
    const board = await p.call<BoardInfo>('boards.add', { target: vb.targets().ssh });
    const connecting = p.call<BoardInfo>('boards.connect', { id: board.id });
    const ask = await p.next<BoardPrompt>('boards.prompt', (d) => d.request.kind === 'host-key');
    // answering a host-key question with a secret is refused, and the question stays open
    await expect(
      p.call('boards.answer', { kind: 'secret', id: ask.id, secret: 'oops' }),
    ).rejects.toMatchObject({ code: 'PROMPT_ANSWER_MISMATCH' });
    await p.call('boards.answer', { kind: 'host-key', id: ask.id, decision: 'always' });
    const pw = await p.next<BoardPrompt>('boards.prompt', (d) => d.request.kind === 'password');
    await p.call('boards.answer', { kind: 'secret', id: pw.id, secret: 'pw-always-1234' });
    await connecting;
    expect(remembered(vb)).toBe(true);

    await p.call('boards.disconnect', { id: board.id });
    const n = p.events.filter((e) => e.event === 'boards.prompt').length;
    const second = p.call<BoardInfo>('boards.connect', { id: board.id });
    const pw2 = await p.next<BoardPrompt>(
      'boards.prompt',
      (d) => d.request.kind === 'password' && d.id !== pw.id,
    );
    await p.call('boards.answer', { kind: 'secret', id: pw2.id, secret: 'pw-always-1234' });
    expect((await second).state).toBe('connected');
    const asked = p.events.filter((e) => e.event === 'boards.prompt').slice(n);
    expect(asked.map((e) => (e.data as BoardPrompt).request.kind)).toEqual(['password']);
  });

  it('refuses a changed host key and names both fingerprints', async () => {
    const port = await freePort();
    const first = await sim({ sshPort: port, password: 'pw-changed-55' });
    const p = page();
    p.session.subscribe('boards.prompt');
    const board = await p.call<BoardInfo>('boards.add', { target: first.targets().ssh });
    const connecting = p.call('boards.connect', { id: board.id });
    const ask = await p.next<BoardPrompt>('boards.prompt', (d) => d.request.kind === 'host-key');
    await p.call('boards.answer', { kind: 'host-key', id: ask.id, decision: 'always' });
    const pw = await p.next<BoardPrompt>('boards.prompt', (d) => d.request.kind === 'password');
    await p.call('boards.answer', { kind: 'secret', id: pw.id, secret: 'pw-changed-55' });
    await connecting;
    await p.call('boards.disconnect', { id: board.id });
    await first.stop();

    const second = await sim({ sshPort: port, password: 'pw-changed-55' });
    expect(second.hostKeyFingerprint).not.toBe(first.hostKeyFingerprint);
    const res = await p.session.request('boards.connect', { id: board.id });
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.error).toMatchObject({
      code: 'HOST_KEY_CHANGED',
      detail: {
        actual: second.hostKeyFingerprint,
        expected: [expect.objectContaining({ fingerprint: first.hostKeyFingerprint })],
      },
    });
    expect(res.error.message).toContain(first.hostKeyFingerprint);
    expect(res.error.message).toContain(second.hostKeyFingerprint);
    expect(res.error.hint).toContain('ssh-keygen -R');
    // the saved board carries the refusal for a page that opens later
    const { boards: list } = await p.call<{ boards: BoardInfo[] }>('boards.list');
    expect(list.find((b) => b.id === board.id)?.error?.code).toBe('HOST_KEY_CHANGED');
  });
});

describe('secrets', () => {
  it('passes a password to the connection and leaves it in no log, board list or file', async () => {
    const secret = 'Tr0ub4dor-&-3-unique';
    const vb = await sim({ password: secret });
    const a = page('window 1');
    const b = page('window 2');
    a.session.subscribe('boards.prompt');
    b.session.subscribe('boards.prompt');
    b.session.subscribe('boards.promptClosed');
    const board = await a.call<BoardInfo>('boards.add', { target: vb.targets().ssh });
    const connecting = a.call('boards.connect', { id: board.id });
    const ask = await a.next<BoardPrompt>('boards.prompt', (d) => d.request.kind === 'host-key');
    await a.call('boards.answer', { kind: 'host-key', id: ask.id, decision: 'once' });
    const pw = await b.next<BoardPrompt>('boards.prompt', (d) => d.request.kind === 'password');
    expect(pw.request).toEqual({
      kind: 'password',
      target: vb.targets().ssh,
      user: 'root',
      host: '127.0.0.1',
      port: vb.sshPort,
    });
    // window 2 answers; window 1's later answer finds the question gone
    await b.call('boards.answer', { kind: 'secret', id: pw.id, secret });
    expect(await a.call('boards.answer', { kind: 'secret', id: pw.id, secret })).toEqual({
      answered: false,
    });
    await connecting;
    await b.next('boards.promptClosed', (d: { id: string }) => d.id === pw.id);

    const everything = [
      JSON.stringify(runtime.log.list()),
      JSON.stringify(a.events),
      JSON.stringify(b.events),
      JSON.stringify(await a.call('boards.list')),
      ...fs
        .readdirSync(dataDir, { recursive: true, withFileTypes: true })
        .filter((d) => d.isFile())
        .map((d) => fs.readFileSync(path.join(d.parentPath, d.name), 'latin1')),
    ].join('\n');
    expect(everything).toContain(board.id);
    expect(everything).not.toContain(secret);
  });
});

describe('telemetry and adb tracking follow the pages that listen', () => {
  it('watches connected boards from the first telemetry listener until the last one leaves', async () => {
    const p = page();
    const { virtual, board } = await p.call<{ virtual: { boardId: string }; board: BoardInfo }>(
      'boards.startVirtual',
      { profile: 'rk3566-zero3w' },
    );
    expect(board).toMatchObject({ virtual: true, kind: 'virtual' });
    expect(board.name).toContain('virtual');
    await p.call('boards.connect', { id: board.id });
    const hub = boardsHub(boards);
    expect(hub.watched).toEqual([]);

    p.session.subscribe('boards.telemetry');
    const q = page('second');
    q.session.subscribe('boards.telemetry');
    expect(hub.watched).toEqual([virtual.boardId]);
    const sample = await p.next<{ boardId: string; sample?: { npu: unknown[] } }>(
      'boards.telemetry',
      (d) => d.sample !== undefined && d.sample.npu !== null,
    );
    expect(sample.boardId).toBe(board.id);
    expect(sample.sample?.npu).toHaveLength(1);

    p.session.unsubscribe('boards.telemetry');
    expect(hub.watched).toEqual([virtual.boardId]); // the second page still listens
    q.session.dispose(); // a page that goes away stops listening too
    expect(hub.watched).toEqual([]);
    expect(boards.list().find((b) => b.id === board.id)?.watched).toBe(false);
    const count = p.events.filter((e) => e.event === 'boards.telemetry').length;
    await new Promise((r) => setTimeout(r, 500));
    expect(p.events.filter((e) => e.event === 'boards.telemetry').length).toBe(count);
  });

  it('starts watching a board that connects while a page listens, and probes it', async () => {
    const p = page();
    p.session.subscribe('boards.telemetry');
    const { board } = await p.call<{ board: BoardInfo }>('boards.startVirtual', {
      profile: 'rk3588-rock5b',
    });
    await p.call('boards.connect', { id: board.id });
    expect(boardsHub(boards).watched).toContain(board.id);
    const probe = await p.call<{ soc: string; npu: { cores: number }; virtual: boolean }>(
      'boards.probe',
      { id: board.id },
    );
    expect(probe).toMatchObject({ soc: 'rk3588', npu: { cores: 3 }, virtual: true });
    await p.next('boards.telemetry', (d: { boardId: string; sample?: unknown }) =>
      Boolean(d.boardId === board.id && d.sample),
    );
  });

  it('tracks adb only while a page listens, and says exactly that adb is missing', async () => {
    const p = page();
    expect((await p.call<{ adb: { tracking: boolean } }>('boards.list')).adb.tracking).toBe(false);
    p.session.subscribe('boards.adb');
    const e = await p.next<{ error: { code: string; message: string; hint: string } | null }>(
      'boards.adb',
      (d) => d.error !== null,
    );
    expect(e.error).toMatchObject({
      code: 'ADB_NOT_FOUND',
      hint: expect.stringContaining('apt install adb'),
    });
    expect((await p.call<{ adb: { tracking: boolean } }>('boards.list')).adb).toMatchObject({
      tracking: true,
      error: { code: 'ADB_NOT_FOUND' },
    });
    p.session.unsubscribe('boards.adb');
    expect((await p.call<{ adb: { tracking: boolean } }>('boards.list')).adb).toEqual({
      tracking: false,
      devices: [],
      error: null,
      conflict: null,
    });
  });
});

describe('adding boards', () => {
  it('offers the Host aliases of ~/.ssh/config, without wildcard patterns', async () => {
    const aliases = await page().call<unknown[]>('boards.sshAliases');
    expect(aliases).toEqual([
      { alias: 'rock5b', hostName: '10.0.0.7', user: 'radxa', port: 2222 },
      { alias: 'zero3', hostName: '10.0.0.8' },
      { alias: 'luckfox', hostName: '10.0.0.8' },
    ]);
  });

  it('saves an alias target and refuses a bad target, a missing key file and an unknown profile with a hint', async () => {
    const p = page();
    const saved = await p.call<BoardInfo>('boards.add', { target: 'rock5b', workDir: '/data' });
    expect(saved).toMatchObject({ name: 'rock5b', state: 'idle', virtual: false });
    expect(saved.options).toEqual({ workDir: '/data' });
    await expect(p.call('boards.add', { target: 'ssh://a b' })).rejects.toMatchObject({
      code: 'BOARD_TARGET_INVALID',
      hint: expect.stringContaining('adb:SERIAL'),
    });
    await expect(
      p.call('boards.add', { target: 'root@10.0.0.9', identityFile: '~/.ssh/nope' }),
    ).rejects.toMatchObject({
      code: 'BOARD_KEY_NOT_FOUND',
      message: expect.stringContaining(path.join(process.env.HOME ?? '', '.ssh', 'nope')),
    });
    await expect(p.call('boards.add', { target: 'zero3', name: 'rock5b' })).rejects.toMatchObject({
      code: 'BOARD_NAME_TAKEN',
    });
    await expect(p.call('boards.startVirtual', { profile: 'rk9999-nope' })).rejects.toMatchObject({
      code: 'BOARD_PROFILE_UNKNOWN',
      hint: expect.stringContaining('rk3588-rock5b'),
    });
    const profiles =
      await p.call<Array<{ id: string; soc: string; npuCores: number }>>('boards.profiles');
    expect(profiles.map((x) => [x.id, x.soc, x.npuCores])).toEqual([
      ['rk3566-zero3w', 'rk3566', 1],
      ['rk3588-rock5b', 'rk3588', 3],
      ['rv1106-luckfox-pico', 'rv1106', 1],
    ]);
  });

  it('gives up a connection when the request is cancelled while the trust question is open', async () => {
    const vb = await sim();
    const p = page();
    p.session.subscribe('boards.prompt');
    p.session.subscribe('boards.promptClosed');
    const board = await p.call<BoardInfo>('boards.add', { target: vb.targets().ssh });
    const res = p.session.request('boards.connect', { id: board.id }, 'req-1');
    const ask = await p.next<BoardPrompt>('boards.prompt');
    expect(p.session.cancel('req-1')).toBe(true);
    expect(await res).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    await p.next('boards.promptClosed', (d: { id: string }) => d.id === ask.id);
    await expect.poll(() => boards.list().find((b) => b.id === board.id)?.state).toBe('idle');
  });
});
