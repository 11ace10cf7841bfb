/**
 * File transfers over SSH: SFTP (parallel requests, progress) and, for boards without an SFTP
 * server (dropbear images), `cat >` over an exec channel.
 */
import fs from 'node:fs';
import type { Client as SshClient, SFTPWrapper } from 'ssh2';
import type { CoralError } from '../../runtime/errors';
import { shQuote } from '../exec-wrap';
import { cancelledError } from '../transport-base';
import type { TransferOptions } from '../types';
import { transferError } from './errors';

export interface TransferContext {
  target: string;
  /** Registers the transfer with the transport: a dropped connection rejects it. */
  track(reject: (e: CoralError) => void): () => void;
  /** Forgets the SFTP session (it was ended to abort a transfer). */
  dropSftp(): void;
}

export function sftpTransfer(
  ctx: TransferContext,
  sftp: SFTPWrapper,
  dir: 'put' | 'get',
  from: string,
  to: string,
  total: number,
  options: TransferOptions,
  mode: number,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const done = (e?: CoralError) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      untrack();
      if (e) reject(e);
      else resolve();
    };
    const onAbort = () => {
      sftp.end();
      ctx.dropSftp();
      done(cancelledError(ctx.target, dir === 'put' ? `Pushing ${from}` : `Pulling ${from}`));
    };
    const untrack = ctx.track((e) => done(e));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const step = (transferred: number) => options.onProgress?.({ bytes: transferred, total });
    const cb = (e: Error | null | undefined) => {
      if (e)
        done(
          transferError(ctx.target, dir === 'put' ? 'push' : 'pull', dir === 'put' ? to : from, e),
        );
      else {
        options.onProgress?.({ bytes: total, total });
        done();
      }
    };
    if (dir === 'put') sftp.fastPut(from, to, { step, mode, concurrency: 16 }, cb);
    else sftp.fastGet(from, to, { step, concurrency: 16 }, cb);
  });
}

export async function catPush(
  ctx: TransferContext,
  client: SshClient,
  local: string,
  remote: string,
  total: number,
  options: TransferOptions,
  mode: number,
): Promise<void> {
  const cmd = `cat > ${shQuote(remote)} && chmod ${mode.toString(8)} ${shQuote(remote)}`;
  await new Promise<void>((resolve, reject) => {
    client.exec(cmd, (e, ch) => {
      if (e) return reject(transferError(ctx.target, 'push', remote, e));
      let stderr = '';
      let code: number | null = null;
      const untrack = ctx.track((err) => {
        ch.close();
        reject(err);
      });
      const onAbort = () => {
        ch.close();
        untrack();
        reject(cancelledError(ctx.target, `Pushing ${local}`));
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      ch.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      ch.on('exit', (c: number | null) => (code = c));
      ch.on('close', () => {
        untrack();
        options.signal?.removeEventListener('abort', onAbort);
        if (code === 0) resolve();
        else
          reject(
            transferError(ctx.target, 'push', remote, new Error(stderr.trim() || `exit ${code}`)),
          );
      });
      ch.resume();
      let bytes = 0;
      const input = fs.createReadStream(local);
      input.on('data', (chunk) => {
        bytes += chunk.length;
        options.onProgress?.({ bytes, total });
      });
      input.pipe(ch);
    });
  });
}
