/**
 * The SSH transport against a REAL OpenSSH sshd on 127.0.0.1 (test/helpers/sshd.ts).
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTransport, type TransportContext } from '../../../electron/boards/connect';
import { probe } from '../../../electron/boards/probe';
import type { StateEvent, Transport } from '../../../electron/boards/types';
import { silentListener, tcpProxy, tempDir } from '../../helpers/boards';
import { freePort, startSshd, type SshdHandle } from '../../helpers/sshd';

let sshd: SshdHandle;
let home: string;
let dataDir: string;
const open: Transport[] = [];

beforeAll(async () => {
  sshd = await startSshd();
  home = tempDir('coral-home-');
}, 60_000);
afterAll(async () => {
  await sshd?.dispose();
  fs.rmSync(home, { recursive: true, force: true });
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

function connectTo(target: string, ctx: Partial<TransportContext> = {}): Transport {
  dataDir ??= tempDir('coral-data-');
  const t = createTransport(target, {
    dataDir,
    env: { HOME: home, USER: sshd.user },
    identityFile: sshd.clientKey,
    reconnect: { enabled: false },
    ...ctx,
  });
  open.push(t);
  return t;
}

function freshData(): void {
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  dataDir = tempDir('coral-data-');
}

const remotePids = (pattern: string) =>
  execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes(pattern) && !l.includes('ps -eo'));

describe('ssh host keys (real sshd)', () => {
  it('refuses an unknown host and names its SHA256 fingerprint', async () => {
    freshData();
    const err = await connectTo(sshd.target)
      .connect()
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toMatchObject({
      code: 'HOST_KEY_UNKNOWN',
      detail: { fingerprint: sshd.hostKeyFingerprint, keyType: 'ssh-ed25519' },
    });
    expect((err as Error).message).toContain(sshd.hostKeyFingerprint);
  });

  it('asks about an unknown host, and a yes is remembered in the app known_hosts', async () => {
    freshData();
    const asked: unknown[] = [];
    await connectTo(sshd.target, { prompt: async (r) => (asked.push(r), 'yes') }).connect();
    expect(asked).toEqual([
      expect.objectContaining({
        kind: 'host-key',
        host: '127.0.0.1',
        port: sshd.port,
        fingerprint: sshd.hostKeyFingerprint,
      }),
    ]);
    expect(fs.readFileSync(path.join(dataDir, 'known_hosts'), 'utf8')).toContain(
      `[127.0.0.1]:${sshd.port} ssh-ed25519 `,
    );
    asked.length = 0;
    await connectTo(sshd.target, { prompt: async (r) => (asked.push(r), null) }).connect();
    expect(asked).toEqual([]);
  });

  it('trusts a host listed (hashed) in ~/.ssh/known_hosts without asking', async () => {
    freshData();
    const kh = path.join(home, '.ssh', 'known_hosts');
    fs.mkdirSync(path.dirname(kh), { recursive: true });
    const pub = fs.readFileSync(path.join(sshd.dir, 'ssh_host_ed25519_key.pub'), 'utf8').split(' ');
    fs.writeFileSync(kh, `[127.0.0.1]:${sshd.port} ${pub[0]} ${pub[1]}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', kh], { stdio: 'ignore' });
    expect(fs.readFileSync(kh, 'utf8')).toMatch(/^\|1\|/);
    try {
      await connectTo(sshd.target).connect();
      expect(fs.existsSync(path.join(dataDir, 'known_hosts'))).toBe(false);
    } finally {
      fs.rmSync(path.dirname(kh), { recursive: true, force: true });
    }
  });
});

describe('ssh commands (real sshd)', () => {
  const trusted = (ctx: Partial<TransportContext> = {}) =>
    connectTo(sshd.target, { trustNewHost: sshd.hostKeyFingerprint, ...ctx });

  it('probes a generic Linux host as a board without an NPU, in one round trip', async () => {
    const r = await probe(trusted());
    expect(r).toMatchObject({
      npu: 'none',
      soc: null,
      virtual: false,
      roundTrips: 1,
      transport: 'ssh',
    });
    expect(r.os.name).toMatch(/Debian|Ubuntu|Linux/);
    expect(r.cpu.count).toBeGreaterThan(0);
    expect(r.memory?.totalMb).toBeGreaterThan(0);
  });

  it('streams output while the command runs and resolves with its exit code and env', async () => {
    const t = trusted();
    await t.connect();
    const seen: Array<{ text: string; at: number }> = [];
    const started = Date.now();
    const r = await t.exec(
      'echo "first $CORAL_ENABLE_WEBRTC"; sleep 0.6; echo second >&2; exit 3',
      {
        env: { CORAL_ENABLE_WEBRTC: '0' },
        onStdout: (d) => seen.push({ text: d.toString(), at: Date.now() - started }),
      },
    );
    expect(r).toMatchObject({ code: 3, stdout: 'first 0\n', stderr: 'second\n' });
    expect(seen[0].text).toBe('first 0\n');
    expect(seen[0].at).toBeLessThan(r.durationMs - 300);
  });

  it('runs commands concurrently over one connection', async () => {
    const proxy = await tcpProxy(sshd.port);
    try {
      const t = connectTo(`ssh://${sshd.user}@127.0.0.1:${proxy.port}`, { trustNewHost: true });
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => t.exec(`sleep 0.2; echo ${i}`)),
      );
      expect(results.map((r) => r.stdout.trim())).toEqual(
        Array.from({ length: 12 }, (_, i) => String(i)),
      );
      expect(proxy.connections()).toBe(1);
    } finally {
      await proxy.close();
    }
  });

  it('kills the remote process when the caller aborts, and on a time-out', async () => {
    const t = trusted();
    const controller = new AbortController();
    const pids: number[] = [];
    const running = t.exec('sleep 31.337; echo never', {
      signal: controller.signal,
      onStart: ({ pid }) => pids.push(pid),
    });
    await expect
      .poll(() => remotePids('sleep 31.337').length, { timeout: 10_000 })
      .toBeGreaterThan(0);
    controller.abort();
    await expect(running).rejects.toMatchObject({ code: 'CANCELLED' });
    await expect.poll(() => remotePids('sleep 31.337').length, { timeout: 10_000 }).toBe(0);
    expect(pids).toHaveLength(1);

    await expect(t.exec('sleep 32.337', { timeoutMs: 500 })).rejects.toMatchObject({
      code: 'BOARD_EXEC_TIMEOUT',
    });
    await expect.poll(() => remotePids('sleep 32.337').length, { timeout: 10_000 }).toBe(0);
  });

  it('pushes 20 MB with progress, and the board has the same sha256', async () => {
    const t = trusted();
    const dir = tempDir('coral-push-');
    try {
      const local = path.join(dir, 'model.bin');
      fs.writeFileSync(local, crypto.randomBytes(20 * 1024 * 1024));
      const progress: number[] = [];
      const remote = path.join(sshd.dir, 'upload', 'model.bin');
      const r = await t.push(local, remote, {
        verify: true,
        onProgress: (p) => progress.push(p.bytes),
      });
      const want = crypto.createHash('sha256').update(fs.readFileSync(local)).digest('hex');
      expect(r).toMatchObject({ bytes: 20 * 1024 * 1024, sha256: want });
      expect(progress.length).toBeGreaterThan(10);
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
      expect(progress.at(-1)).toBe(20 * 1024 * 1024);
      expect((await t.exec(`sha256sum ${remote}`)).stdout.split(' ')[0]).toBe(want);
      const back = path.join(dir, 'back.bin');
      await t.pull(remote, back);
      expect(crypto.createHash('sha256').update(fs.readFileSync(back)).digest('hex')).toBe(want);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ssh failures (real sshd)', () => {
  it('refuses a key that is not authorized, naming what it tried', async () => {
    const err = await connectTo(sshd.target, { identityFile: sshd.otherKey, trustNewHost: true })
      .connect()
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toMatchObject({
      code: 'BOARD_AUTH_FAILED',
      message: expect.stringContaining(sshd.otherKey),
      hint: expect.stringContaining('ssh-copy-id'),
    });
  });

  it('asks for the passphrase of an encrypted key, and fails cleanly when none is given', async () => {
    const key = path.join(sshd.dir, 'locked_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'open sesame', '-f', key]);
    fs.appendFileSync(path.join(sshd.dir, 'authorized_keys'), fs.readFileSync(`${key}.pub`));
    const asked: string[] = [];
    await connectTo(sshd.target, {
      identityFile: key,
      trustNewHost: true,
      prompt: async (r) => (asked.push(r.kind), r.kind === 'passphrase' ? 'open sesame' : null),
    }).connect();
    expect(asked).toEqual(['passphrase']);
    await expect(
      connectTo(sshd.target, {
        identityFile: key,
        trustNewHost: true,
        prompt: async () => null,
      }).connect(),
    ).rejects.toMatchObject({ code: 'BOARD_AUTH_FAILED' });
  });

  it('reports a closed port as unreachable', async () => {
    const port = await freePort();
    await expect(connectTo(`ssh://root@127.0.0.1:${port}`).connect()).rejects.toMatchObject({
      code: 'BOARD_UNREACHABLE',
      message: expect.stringContaining('connection refused'),
    });
  });

  it('times out on a port that accepts but never answers', async () => {
    const silent = await silentListener();
    try {
      const t = connectTo(`ssh://root@127.0.0.1:${silent.port}`);
      (t as unknown as { o: { handshakeTimeoutMs: number } }).o.handshakeTimeoutMs = 1500;
      await expect(t.connect()).rejects.toMatchObject({
        code: 'BOARD_CONNECT_TIMEOUT',
        message: expect.stringContaining('1500 ms'),
      });
    } finally {
      await silent.close();
    }
  });

  it('fails running commands with BOARD_DISCONNECTED when the connection drops, then reconnects with backoff', async () => {
    const proxy = await tcpProxy(sshd.port);
    try {
      const t = connectTo(`ssh://${sshd.user}@127.0.0.1:${proxy.port}`, {
        trustNewHost: true,
        reconnect: { enabled: true, initialDelayMs: 100 },
      });
      const states: StateEvent[] = [];
      t.onState((e) => states.push(e));
      await t.connect();
      const running = t.exec('sleep 30');
      await new Promise((r) => setTimeout(r, 300));
      proxy.cut();
      await expect(running).rejects.toMatchObject({ code: 'BOARD_DISCONNECTED' });
      await expect.poll(() => t.state, { timeout: 10_000 }).toBe('connected');
      expect(states.map((s) => s.state)).toEqual([
        'connecting',
        'connected',
        'reconnecting',
        'connected',
      ]);
      expect(states[2]).toMatchObject({
        attempt: 1,
        delayMs: 100,
        error: { code: 'BOARD_DISCONNECTED' },
      });
      expect((await t.exec('echo back')).stdout).toBe('back\n');
    } finally {
      await proxy.close();
    }
  });

  it('refuses a changed host key after sshd restarts with another key on the same port', async () => {
    freshData();
    const oldFp = sshd.hostKeyFingerprint;
    await connectTo(sshd.target, { trustNewHost: true }).connect();
    await Promise.all(open.splice(0).map((t) => t.close()));
    await sshd.restart({ newHostKey: true });
    expect(sshd.hostKeyFingerprint).not.toBe(oldFp);
    const err = await connectTo(sshd.target, { trustNewHost: true, prompt: async () => 'yes' })
      .connect()
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toMatchObject({
      code: 'HOST_KEY_CHANGED',
      detail: {
        actual: sshd.hostKeyFingerprint,
        expected: [expect.objectContaining({ fingerprint: oldFp })],
      },
    });
    expect((err as Error).message).toContain(oldFp);
    expect((err as Error).message).toContain(sshd.hostKeyFingerprint);
    expect((err as { hint: string }).hint).toContain(`ssh-keygen -R '[127.0.0.1]:${sshd.port}'`);
  });
});
