/**
 * How the RKNN remote path reaches a board: a target (a saved board's id or name, or a target
 * string such as `ssh://rock@10.0.0.7` or `adb+tcp://127.0.0.1:5555`) becomes a RemoteBoard —
 * its transport, its identity for the history, its probe, and a release() that closes only what
 * was opened for this use. In the app the BoardsService's shared connection is used; the CLI
 * opens its own connection and closes it when the command ends.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AdbServer } from '../../../boards/adb/server';
import { createTransport } from '../../../boards/connect';
import { probe, type ProbeReport } from '../../../boards/probe';
import type { BoardsService } from '../../../boards/service';
import { BoardStore, type SavedBoard } from '../../../boards/store';
import { formatTarget, parseTarget } from '../../../boards/target';
import type { PromptFn, Transport } from '../../../boards/types';
import { DB_FILE } from '../../../runtime/database';
import { CoralError } from '../../../runtime/errors';
import type { Logger } from '../../../runtime/types';

export interface RemoteBoard {
  /** What runs store as their target: the saved board's id, else the target as written. */
  id: string;
  /** For messages and the UI: the saved board's name, else the target. */
  name: string;
  /** The connection target (`ssh://…`, `adb:…`, `adb+tcp://…`, an ssh alias). */
  target: string;
  /** True for a board served by Coral's virtual board (saved as kind `virtual`). */
  virtual: boolean;
  transport: Transport;
  /** The saved board's work directory option, if any. */
  workDir?: string;
  /** Probes the board in one round trip (a saved board's last probe is updated). */
  probe(options?: { signal?: AbortSignal; workDir?: string }): Promise<ProbeReport>;
  /** Done with the board: closes a connection opened only for this use, else nothing. */
  release(): Promise<void>;
}

/** Resolves a target to a connected board, or throws a CoralError that names it. */
export type BoardResolver = (target: string) => Promise<RemoteBoard>;

/** A saved board by id or name; else by its target written the same way. */
function findSaved(list: SavedBoard[], target: string): SavedBoard | undefined {
  const direct = list.find((b) => b.id === target || b.name === target);
  if (direct) return direct;
  let canonical: string;
  try {
    canonical = formatTarget(parseTarget(target));
  } catch {
    return undefined;
  }
  return list.find((b) => b.target === canonical);
}

/**
 * Boards of the app: saved boards only (added in the Boards view), over the service's one
 * connection per board. The connection stays open after the run (release does nothing).
 */
export function serviceBoards(service: BoardsService): BoardResolver {
  return async (target) => {
    const saved = findSaved(service.store.list(), target);
    if (!saved) {
      throw new CoralError('BOARD_NOT_FOUND', `No saved board "${target}".`, {
        hint: 'Add the board in the Boards view first (or pick one of the saved boards).',
      });
    }
    const transport = await service.transport(saved.id);
    return {
      id: saved.id,
      name: saved.name,
      target: saved.target,
      virtual: saved.kind === 'virtual',
      transport,
      ...(saved.options.workDir ? { workDir: saved.options.workDir } : {}),
      probe: (o = {}) => service.probe(saved.id, { ...(o.signal ? { signal: o.signal } : {}) }),
      release: async () => {},
    };
  };
}

export interface StandaloneBoardsOptions {
  dataDir: string;
  env?: NodeJS.ProcessEnv;
  /** Accept an unknown host key: true for any, or only this SHA256 fingerprint. */
  trustNewHost?: boolean | string;
  /** A private key file to log in with instead of the configured ones. */
  identityFile?: string;
  prompt?: PromptFn;
  connectTimeoutMs?: number;
  log?: Logger;
}

/**
 * Boards for one command (the CLI): a saved board (from the data directory's store, when it
 * exists) or any target string, over a connection opened for this use and closed by release().
 */
export function standaloneBoards(o: StandaloneBoardsOptions): BoardResolver {
  return async (target) => {
    let saved: SavedBoard | undefined;
    if (fs.existsSync(path.join(o.dataDir, DB_FILE))) {
      const store = BoardStore.open(o.dataDir);
      try {
        saved = findSaved(store.list(), target);
      } finally {
        store.close();
      }
    }
    const connectTo = saved?.target ?? target;
    const parsed = parseTarget(connectTo);
    const env = o.env ?? process.env;
    const adb =
      parsed.kind === 'ssh' ? null : new AdbServer({ env, ...(o.log ? { log: o.log } : {}) });
    const identityFile = o.identityFile ?? saved?.options.identityFile;
    const transport = createTransport(parsed, {
      dataDir: o.dataDir,
      env,
      reconnect: { enabled: false },
      ...(adb ? { adb } : {}),
      ...(o.trustNewHost !== undefined ? { trustNewHost: o.trustNewHost } : {}),
      ...(identityFile ? { identityFile } : {}),
      ...(o.prompt ? { prompt: o.prompt } : {}),
      ...(o.connectTimeoutMs ? { connectTimeoutMs: o.connectTimeoutMs } : {}),
      ...(o.log ? { log: o.log } : {}),
    });
    const release = async () => {
      await transport.close().catch(() => {});
      await adb?.dispose();
    };
    try {
      await transport.connect();
    } catch (e) {
      await release();
      throw e;
    }
    return {
      id: saved?.id ?? formatTarget(parsed),
      name: saved?.name ?? formatTarget(parsed),
      target: formatTarget(parsed),
      virtual: saved?.kind === 'virtual',
      transport,
      ...(saved?.options.workDir ? { workDir: saved.options.workDir } : {}),
      probe: (p = {}) =>
        probe(transport, {
          ...(p.signal ? { signal: p.signal } : {}),
          ...(p.workDir ? { workDir: p.workDir } : {}),
        }),
      release,
    };
  };
}
