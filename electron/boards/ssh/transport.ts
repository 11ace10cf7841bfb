/**
 * SSH transport over ssh2: one connection per board, commands multiplexed as channels,
 * files over SFTP (falling back to `cat >` when the board has no SFTP server), host keys
 * verified against known_hosts files, keepalive, and reconnect with backoff.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import ssh2 from 'ssh2';
import type { Client as SshClient, ClientChannel, SFTPWrapper } from 'ssh2';
import { CoralError, toCoralError } from '../../runtime/errors';
import type { Logger } from '../../runtime/types';
import {
  BaseTransport,
  Semaphore,
  cancelledError,
  execTimeoutError,
  noopLogger,
  type ReconnectOptions,
} from '../transport-base';
import {
  OutputBuffer,
  OutputDemuxer,
  SIGNALS,
  killCommand,
  shQuote,
  wrapCommand,
} from '../exec-wrap';
import {
  normalizeTransferOptions,
  type ExecOptions,
  type ExecResult,
  type PromptFn,
  type TransferOptions,
  type TransferProgress,
  type TransferResult,
} from '../types';
import { AuthPlan } from './auth';
import { knownKeyTypes, hostToken } from './known-hosts';
import { sha256File, verifyRemoteSha256 } from '../checksum';
import { verifyHostKey } from './host-verify';
import { catPush, sftpTransfer, type TransferContext } from './transfer';
import { localSize, socketError, transferError } from './errors';

export interface SshTransportOptions {
  /** Display name, e.g. the target string the user typed. */
  target: string;
  host: string;
  port: number;
  user: string;
  identityFiles: string[];
  /** Known-hosts files to read (user's and the app's). */
  knownHostsFiles: string[];
  /** Where newly trusted keys are written (the app's own file). */
  appKnownHostsFile: string;
  /** Accept an unknown host key: true = any (CLI --trust-new-host), or exactly this fingerprint. */
  trustNewHost?: boolean | string;
  prompt?: PromptFn;
  /** ssh-agent socket; defaults to SSH_AUTH_SOCK; false disables the agent. */
  agent?: string | false;
  connectTimeoutMs?: number;
  handshakeTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  reconnect?: ReconnectOptions;
  /** Concurrent channels (sshd's MaxSessions defaults to 10). */
  maxChannels?: number;
  log?: Logger;
}

const SERVER_HOST_KEY_ORDER = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

function hostKeyAlgorithmsFor(keyType: string): string[] {
  return keyType === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [keyType];
}

export class SshTransport extends BaseTransport {
  readonly kind = 'ssh' as const;
  private client: SshClient | null = null;
  private sftp: Promise<SFTPWrapper | null> | null = null;
  private readonly channels: Semaphore;
  private readonly auth: AuthPlan;

  constructor(private readonly o: SshTransportOptions) {
    super(o.target, o.reconnect ?? { enabled: true }, o.log ?? noopLogger);
    this.channels = new Semaphore(o.maxChannels ?? 8);
    this.auth = new AuthPlan({
      target: o.target,
      user: o.user,
      host: o.host,
      port: o.port,
      agent: o.agent === false ? undefined : (o.agent ?? process.env.SSH_AUTH_SOCK),
      identityFiles: o.identityFiles,
      prompt: o.prompt,
      log: this.log,
      onPrompt: (open) => this.handshakeTimer?.(open),
    });
  }

  private handshakeTimer: ((paused: boolean) => void) | null = null;

  private where(): string {
    return `${this.o.user}@${hostToken(this.o.host, this.o.port)}`;
  }

  private openSocket(): Promise<net.Socket> {
    const timeoutMs = this.o.connectTimeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const sock = net.connect({ host: this.o.host, port: this.o.port });
      const timer = setTimeout(() => {
        sock.destroy();
        reject(
          new CoralError(
            'BOARD_CONNECT_TIMEOUT',
            `No answer from ${hostToken(this.o.host, this.o.port)} within ${timeoutMs} ms (${this.target}).`,
            {
              hint: 'Check that the board is powered, on the network, and that the address and port are right.',
            },
          ),
        );
      }, timeoutMs);
      sock.once('connect', () => {
        clearTimeout(timer);
        sock.removeAllListeners('error');
        resolve(sock);
      });
      sock.once('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(socketError(e, this.target, this.o.host, this.o.port));
      });
    });
  }

  protected async doConnect(): Promise<void> {
    const sock = await this.openSocket();
    const client = new ssh2.Client();
    const handshakeMs = this.o.handshakeTimeoutMs ?? 20_000;
    let hostKeyError: CoralError | null = null;
    this.auth.reset();

    await new Promise<void>((resolve, reject) => {
      let settled = false;
      let timer: NodeJS.Timeout | null = null;
      const fail = (err: CoralError) => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        this.handshakeTimer = null;
        client.removeAllListeners();
        client.on('error', () => {});
        client.end();
        sock.destroy();
        reject(err);
      };
      const arm = () => {
        timer = setTimeout(
          () =>
            fail(
              new CoralError(
                'BOARD_CONNECT_TIMEOUT',
                `The SSH handshake with ${hostToken(this.o.host, this.o.port)} did not finish within ${handshakeMs} ms (${this.target}).`,
                {
                  hint: 'Something answers on that port but does not complete SSH. Is it an SSH server?',
                },
              ),
            ),
          handshakeMs,
        );
      };
      this.handshakeTimer = (paused) => {
        if (timer) clearTimeout(timer);
        timer = null;
        if (!paused && !settled) arm();
      };
      arm();

      client.on('ready', () => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        this.handshakeTimer = null;
        this.auth.markSucceeded();
        resolve();
      });
      client.on('error', (e: Error & { level?: string }) => {
        if (!settled) {
          if (e.level === 'agent') {
            this.log.debug('boards', `ssh-agent unavailable for ${this.target}: ${e.message}`);
            return;
          }
          fail(hostKeyError ?? this.handshakeError(e));
          return;
        }
        this.log.warn('boards', `SSH connection to ${this.target}: ${e.message}`);
      });
      client.on('close', () => {
        if (!settled) {
          fail(
            hostKeyError ??
              new CoralError(
                'BOARD_UNREACHABLE',
                `${hostToken(this.o.host, this.o.port)} closed the connection during the SSH handshake (${this.target}).`,
                {
                  hint: 'Check that this port runs an SSH server and that it accepts your address.',
                },
              ),
          );
          return;
        }
        if (this.client === client) {
          this.client = null;
          this.sftp = null;
          this.connectionLost(this.disconnectedError());
        }
      });

      const known = knownKeyTypes(this.o.host, this.o.port, this.o.knownHostsFiles);
      const preferred = [
        ...new Set([...known.flatMap(hostKeyAlgorithmsFor), ...SERVER_HOST_KEY_ORDER]),
      ];
      client.connect({
        sock,
        username: this.o.user,
        readyTimeout: 0,
        keepaliveInterval: this.o.keepaliveIntervalMs ?? 15_000,
        keepaliveCountMax: this.o.keepaliveCountMax ?? 3,
        authHandler: this.auth.handler,
        algorithms: {
          serverHostKey: preferred.filter((a) => SERVER_HOST_KEY_ORDER.includes(a)) as never,
        },
        hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
          verifyHostKey(key, {
            target: this.target,
            host: this.o.host,
            port: this.o.port,
            knownHostsFiles: this.o.knownHostsFiles,
            appKnownHostsFile: this.o.appKnownHostsFile,
            ...(this.o.trustNewHost !== undefined ? { trustNewHost: this.o.trustNewHost } : {}),
            ...(this.o.prompt ? { prompt: this.o.prompt } : {}),
            log: this.log,
            pause: (p) => this.handshakeTimer?.(p),
          })
            // failed or closed while a human decided: ssh2 throws when a dead handshake is answered
            .then(() => {
              if (!settled) verify(true);
            })
            .catch((e: unknown) => {
              hostKeyError = toCoralError(e);
              if (!settled) verify(false);
            });
        },
      });
    });
    this.client = client;
  }

  private handshakeError(e: Error & { level?: string }): CoralError {
    if (e.level === 'client-authentication') {
      const tried = this.auth.tried.length
        ? this.auth.tried.join(', ')
        : 'nothing (no agent, no key file, no prompt)';
      return new CoralError(
        'BOARD_AUTH_FAILED',
        `${this.where()} refused the login (tried: ${tried}).`,
        {
          hint: `Check the user name, install your public key on the board (ssh-copy-id ${this.where()}), or pass the right key with -i / IdentityFile.`,
          cause: e,
        },
      );
    }
    if (e.level === 'client-timeout') {
      return new CoralError(
        'BOARD_CONNECT_TIMEOUT',
        `The SSH handshake with ${this.target} timed out.`,
        { cause: e },
      );
    }
    return new CoralError('BOARD_UNREACHABLE', `SSH to ${this.target} failed: ${e.message}`, {
      hint: 'Check the address, the port and that sshd runs on the board.',
      cause: e,
    });
  }

  protected async doClose(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.sftp = null;
    if (!client) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 1000);
      client.once('close', () => {
        clearTimeout(t);
        resolve();
      });
      client.end();
    });
  }

  private async ready(): Promise<SshClient> {
    await this.connect();
    if (!this.client) throw this.disconnectedError();
    return this.client;
  }

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    return this.execInternal(command, options);
  }

  private async execInternal(command: string, options: ExecOptions): Promise<ExecResult> {
    const started = Date.now();
    const killable = options.killable ?? true;
    if (options.signal?.aborted) throw cancelledError(this.target);
    const client = await this.ready();
    const release = await this.channels.acquire();
    const collect = options.collect ?? true;
    const maxBuffer = options.maxBuffer ?? 16 * 1024 * 1024;
    const out = new OutputBuffer(maxBuffer);
    const err = new OutputBuffer(maxBuffer);
    const wrapped = wrapCommand(command, { env: options.env, killable, exitMarker: false });

    return new Promise<ExecResult>((resolve, reject) => {
      let channel: ClientChannel | null = null;
      let settled = false;
      let timer: NodeJS.Timeout | null = null;
      let exitCode: number | null = null;
      let exitSignal: string | undefined;
      const demux = new OutputDemuxer(
        { killable, exitMarker: false },
        (chunk) => {
          if (collect) out.add(chunk);
          options.onStdout?.(chunk);
        },
        (pid) => options.onStart?.({ pid }),
      );
      const cleanup = () => {
        if (timer) clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        untrack();
        release();
      };
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        cleanup();
        fn();
      };
      let stopping: CoralError | null = null;
      const stop = (error: CoralError) => {
        if (settled || stopping) return;
        stopping = error;
        void this.killRemote(channel, demux).finally(() => finish(() => reject(error)));
      };
      const onAbort = () => stop(cancelledError(this.target));
      const untrack = this.track((e) => finish(() => reject(e)));
      options.signal?.addEventListener('abort', onAbort, { once: true });
      if (options.timeoutMs && options.timeoutMs > 0) {
        timer = setTimeout(
          () => stop(execTimeoutError(this.target, command, options.timeoutMs as number)),
          options.timeoutMs,
        );
      }

      client.exec(wrapped, (e, ch) => {
        if (e) {
          finish(() =>
            reject(
              new CoralError(
                'BOARD_EXEC_FAILED',
                `${this.target} refused to start a command: ${e.message}`,
                {
                  hint: 'The board may limit sessions per connection (MaxSessions); try again.',
                  cause: e,
                },
              ),
            ),
          );
          return;
        }
        channel = ch;
        ch.on('data', (d: Buffer) => demux.push(d));
        if (settled || stopping) {
          // cancelled before the channel opened: kill what it started as soon as its pid shows
          ch.stderr.resume();
          void this.killRemote(ch, demux);
          return;
        }
        ch.stderr.on('data', (d: Buffer) => {
          if (collect) err.add(d);
          options.onStderr?.(d);
        });
        ch.on('exit', (code: number | null, signal?: string) => {
          if (code !== null && code !== undefined) exitCode = code;
          if (signal) {
            exitSignal = signal;
            exitCode = 128 + (SIGNALS[signal] ?? 0);
          }
        });
        ch.on('close', () => {
          demux.end();
          if (stopping) return; // stop() settles once the kill went out
          if (exitCode === null) {
            // The channel closed without an exit status: the connection is going away.
            finish(() => reject(this.disconnectedError()));
            return;
          }
          const result: ExecResult = {
            code: exitCode,
            stdout: out.text(),
            stderr: err.text(),
            durationMs: Date.now() - started,
            ...(exitSignal ? { signal: exitSignal } : {}),
            ...(demux.pid !== undefined ? { pid: demux.pid } : {}),
            ...(out.truncated || err.truncated ? { truncated: true } : {}),
          };
          finish(() => resolve(result));
        });
        if (options.stdin !== undefined) ch.end(options.stdin);
        else ch.end();
      });
    });
  }

  /** Stops a running command: a signal on the channel, then kill by pid over a second channel. */
  private async killRemote(channel: ClientChannel | null, demux: OutputDemuxer): Promise<void> {
    try {
      channel?.signal('TERM');
    } catch {
      // older servers ignore or refuse signal requests; the pid kill below covers them
    }
    if (demux.pid === undefined) {
      // the command may not have printed its pid yet (a busy board, a slow link): wait for it
      // while its channel is open, so a cancel right after start still kills it
      for (let i = 0; i < 100 && demux.pid === undefined && channel; i++) await delay(50);
    }
    const client = this.client;
    if (demux.pid !== undefined && client) {
      await new Promise<void>((resolve) => {
        client.exec(killCommand(demux.pid as number, demux.pgid), (e, ch) => {
          if (e) return resolve();
          ch.on('close', () => resolve());
          ch.resume();
          ch.stderr.resume();
          ch.end();
        });
        setTimeout(resolve, 3000).unref();
      });
    }
    try {
      channel?.close();
    } catch {
      // already closed
    }
  }

  private transferContext(): TransferContext {
    return {
      target: this.target,
      track: (reject) => this.track(reject),
      dropSftp: () => {
        this.sftp = null;
      },
    };
  }

  private getSftp(client: SshClient): Promise<SFTPWrapper | null> {
    if (!this.sftp) {
      this.sftp = new Promise((resolve) => {
        client.sftp((e, sftp) => {
          if (e) {
            this.log.info(
              'boards',
              `${this.target} has no SFTP subsystem (${e.message}); file transfers use cat over exec.`,
            );
            resolve(null);
            return;
          }
          sftp.on('close', () => {
            this.sftp = null;
          });
          resolve(sftp);
        });
      });
    }
    return this.sftp;
  }

  async push(
    local: string,
    remote: string,
    opts?: TransferOptions | ((p: TransferProgress) => void),
  ): Promise<TransferResult> {
    const options = normalizeTransferOptions(opts);
    const started = Date.now();
    const total = localSize(local, this.target);
    if (options.signal?.aborted) throw cancelledError(this.target, `Pushing ${local}`);
    const client = await this.ready();
    const dir = path.posix.dirname(remote);
    if (dir !== '.' && dir !== '/')
      await this.exec(`mkdir -p ${shQuote(dir)}`, { killable: false, timeoutMs: 15_000 });
    const sftp = await this.getSftp(client);
    const mode = options.mode ?? 0o644;
    if (sftp) {
      await sftpTransfer(this.transferContext(), sftp, 'put', local, remote, total, options, mode);
    } else {
      await catPush(
        this.transferContext(),
        await this.ready(),
        local,
        remote,
        total,
        options,
        mode,
      );
    }
    const result: TransferResult = { bytes: total, durationMs: Date.now() - started };
    if (options.verify) result.sha256 = await verifyRemoteSha256(this, local, remote);
    return result;
  }

  async pull(
    remote: string,
    local: string,
    opts?: TransferOptions | ((p: TransferProgress) => void),
  ): Promise<TransferResult> {
    const options = normalizeTransferOptions(opts);
    const started = Date.now();
    if (options.signal?.aborted) throw cancelledError(this.target, `Pulling ${remote}`);
    const client = await this.ready();
    fs.mkdirSync(path.dirname(path.resolve(local)), { recursive: true });
    const sftp = await this.getSftp(client);
    if (sftp) {
      const total = await new Promise<number>((resolve, reject) =>
        sftp.stat(remote, (e, st) =>
          e ? reject(transferError(this.target, 'pull', remote, e)) : resolve(st.size),
        ),
      );
      await sftpTransfer(this.transferContext(), sftp, 'get', remote, local, total, options, 0o644);
      const result: TransferResult = { bytes: total, durationMs: Date.now() - started };
      if (options.verify) result.sha256 = await sha256File(local);
      return result;
    }
    const outFile = fs.createWriteStream(local);
    let bytes = 0;
    const res = await this.exec(`cat ${shQuote(remote)}`, {
      collect: false,
      signal: options.signal,
      onStdout: (chunk) => {
        bytes += chunk.length;
        outFile.write(chunk);
        options.onProgress?.({ bytes, total: 0 });
      },
    });
    await new Promise<void>((resolve) => outFile.end(resolve));
    if (res.code !== 0)
      throw transferError(
        this.target,
        'pull',
        remote,
        new Error(res.stderr.trim() || `exit ${res.code}`),
      );
    return { bytes, durationMs: Date.now() - started };
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
