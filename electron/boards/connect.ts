/**
 * From a target string to a Transport: ssh targets go through ~/.ssh/config and the
 * known-hosts files (the user's and the app's own in the data directory), adb targets through
 * the shared adb server.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../runtime/types';
import { AdbServer, sharedAdbServer, type AdbServerOptions } from './adb/server';
import { AdbTransport } from './adb/transport';
import { defaultIdentityFiles, resolveSshHost } from './ssh/config';
import { SshTransport } from './ssh/transport';
import { parseTarget, type BoardTarget } from './target';
import type { ReconnectOptions } from './transport-base';
import type { PromptFn, Transport } from './types';

export const APP_KNOWN_HOSTS = 'known_hosts';

export interface TransportContext {
  dataDir: string;
  env?: NodeJS.ProcessEnv;
  prompt?: PromptFn;
  /** Accept an unknown host key: true for any (CLI --trust-new-host), or one fingerprint. */
  trustNewHost?: boolean | string;
  /** A key file to use instead of the configured ones. */
  identityFile?: string;
  sshConfigPath?: string;
  adb?: AdbServerOptions | AdbServer;
  reconnect?: ReconnectOptions;
  connectTimeoutMs?: number;
  log?: Logger;
}

export function appKnownHostsFile(dataDir: string): string {
  return path.join(dataDir, APP_KNOWN_HOSTS);
}

export function userKnownHostsFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  const home = env.HOME ?? os.homedir();
  return [path.join(home, '.ssh', 'known_hosts'), path.join(home, '.ssh', 'known_hosts2')];
}

export function createTransport(target: string | BoardTarget, ctx: TransportContext): Transport {
  const t = typeof target === 'string' ? parseTarget(target) : target;
  const env = ctx.env ?? process.env;
  if (t.kind === 'ssh') {
    const resolved = resolveSshHost(t.host, {
      env,
      ...(ctx.sshConfigPath ? { configPath: ctx.sshConfigPath } : {}),
      ...(t.user ? { user: t.user } : {}),
      ...(t.port ? { port: t.port } : {}),
    });
    if (resolved.unsupported.length) {
      ctx.log?.warn(
        'boards',
        `${t.raw}: ${resolved.unsupported.join(', ')} in ~/.ssh/config is not supported; connecting directly.`,
      );
    }
    let identityFiles: string[];
    if (ctx.identityFile) identityFiles = [path.resolve(ctx.identityFile)];
    else if (resolved.identitiesOnly) identityFiles = resolved.identityFiles;
    else identityFiles = [...new Set([...resolved.identityFiles, ...defaultIdentityFiles(env)])];
    const app = appKnownHostsFile(ctx.dataDir);
    return new SshTransport({
      target: t.raw,
      host: resolved.hostName,
      port: resolved.port,
      user: resolved.user,
      identityFiles: identityFiles.filter((f) => fs.existsSync(f)),
      knownHostsFiles: [...userKnownHostsFiles(env), app],
      appKnownHostsFile: app,
      ...(ctx.trustNewHost !== undefined ? { trustNewHost: ctx.trustNewHost } : {}),
      ...(ctx.prompt ? { prompt: ctx.prompt } : {}),
      agent: env.SSH_AUTH_SOCK ? env.SSH_AUTH_SOCK : false,
      ...(ctx.reconnect ? { reconnect: ctx.reconnect } : {}),
      ...(ctx.connectTimeoutMs ? { connectTimeoutMs: ctx.connectTimeoutMs } : {}),
      ...(ctx.log ? { log: ctx.log } : {}),
    });
  }
  const server =
    ctx.adb instanceof AdbServer
      ? ctx.adb
      : sharedAdbServer({ env, ...(ctx.adb ?? {}), ...(ctx.log ? { log: ctx.log } : {}) });
  return new AdbTransport({
    server,
    ...(t.kind === 'adb' ? { serial: t.serial } : { tcp: { host: t.host, port: t.port } }),
    ...(ctx.reconnect ? { reconnect: ctx.reconnect } : {}),
    ...(ctx.log ? { log: ctx.log } : {}),
  });
}
