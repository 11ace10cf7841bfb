/**
 * Starts a REAL OpenSSH sshd on 127.0.0.1 for tests: its own host key, an authorized client
 * key, SFTP, no PAM. Stopped by pid. Needs the Debian package openssh-server.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const SSHD_BIN = '/usr/sbin/sshd';

export interface SshdHandle {
  host: string;
  port: number;
  user: string;
  dir: string;
  /** Private key authorized to log in. */
  clientKey: string;
  /** A key that is NOT authorized. */
  otherKey: string;
  hostKeyFingerprint: string;
  /** ssh://user@127.0.0.1:port */
  target: string;
  pid: number;
  stop(): Promise<void>;
  /** Stops and starts again on the same port, optionally with a new host key. */
  restart(opts?: { newHostKey?: boolean }): Promise<void>;
  /** Removes everything (stops first). */
  dispose(): Promise<void>;
}

export function sshdAvailable(): boolean {
  return fs.existsSync(SSHD_BIN);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function keygen(file: string, type = 'ed25519'): void {
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', 'coral-test', '-f', file], {
    stdio: 'ignore',
  });
}

function fingerprintOf(pubFile: string): string {
  const b64 = fs.readFileSync(pubFile, 'utf8').trim().split(/\s+/)[1];
  return `SHA256:${crypto.createHash('sha256').update(Buffer.from(b64, 'base64')).digest('base64').replace(/=+$/, '')}`;
}

async function waitForBanner(
  port: number,
  proc: ChildProcess,
  stderr: () => string,
  timeoutMs = 10_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (proc.exitCode !== null) throw new Error(`sshd exited with ${proc.exitCode}: ${stderr()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('data', (d) => {
        s.destroy();
        resolve(d.toString().startsWith('SSH-'));
      });
      s.once('error', () => resolve(false));
      setTimeout(() => {
        s.destroy();
        resolve(false);
      }, 500);
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not answer on port ${port}: ${stderr()}`);
}

export async function startSshd(options: { port?: number } = {}): Promise<SshdHandle> {
  if (!sshdAvailable()) {
    throw new Error(
      `${SSHD_BIN} is missing: install the Debian package openssh-server (apt-get install openssh-server).`,
    );
  }
  if (process.getuid?.() === 0) fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coral-sshd-'));
  const user = os.userInfo().username;
  const hostKey = path.join(dir, 'ssh_host_ed25519_key');
  const clientKey = path.join(dir, 'client_ed25519');
  const otherKey = path.join(dir, 'other_ed25519');
  keygen(hostKey);
  keygen(clientKey);
  keygen(otherKey);
  fs.copyFileSync(`${clientKey}.pub`, path.join(dir, 'authorized_keys'));
  const port = options.port ?? (await freePort());
  const config = path.join(dir, 'sshd_config');
  fs.writeFileSync(
    config,
    [
      `ListenAddress 127.0.0.1`,
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      'UsePAM no',
      'StrictModes no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'PermitRootLogin prohibit-password',
      'Subsystem sftp internal-sftp',
      'MaxSessions 20',
      'MaxStartups 100:30:200',
      'LogLevel ERROR',
      'UseDNS no',
      // bash sources ~/.bashrc for ssh commands unless SHLVL says it is nested; a developer's
      // heavy .bashrc (pyenv init…) would otherwise add ~1 s to every command we time.
      'SetEnv SHLVL=1',
      'PrintMotd no',
      'PrintLastLog no',
      '',
    ].join('\n'),
  );

  let proc: ChildProcess | null = null;
  let stderrText = '';
  const handle: SshdHandle = {
    host: '127.0.0.1',
    port,
    user,
    dir,
    clientKey,
    otherKey,
    hostKeyFingerprint: fingerprintOf(`${hostKey}.pub`),
    target: `ssh://${user}@127.0.0.1:${port}`,
    pid: 0,
    async stop() {
      const p = proc;
      proc = null;
      if (!p || p.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        p.once('exit', () => resolve());
        p.kill('SIGTERM');
        setTimeout(() => {
          if (p.exitCode === null) p.kill('SIGKILL');
        }, 3000).unref();
      });
    },
    async restart(opts = {}) {
      await handle.stop();
      if (opts.newHostKey) {
        fs.rmSync(hostKey, { force: true });
        fs.rmSync(`${hostKey}.pub`, { force: true });
        keygen(hostKey);
        handle.hostKeyFingerprint = fingerprintOf(`${hostKey}.pub`);
      }
      await launch();
    },
    async dispose() {
      await handle.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  const launch = async () => {
    stderrText = '';
    // -D: stay in the foreground (we own the pid); -e: log to stderr.
    proc = spawn(SSHD_BIN, ['-D', '-e', '-f', config, '-p', String(port)], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    proc.stderr?.on('data', (d: Buffer) => (stderrText += d.toString()));
    handle.pid = proc.pid ?? 0;
    await waitForBanner(port, proc, () => stderrText);
  };
  await launch();
  return handle;
}
