/**
 * Saved boards in the app's SQLite store (room `boards`). Only what is needed to reconnect
 * is kept — the target, a key *file path*, a work directory — never a password or passphrase:
 * the options are a closed schema, so a secret cannot slip in.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { openDatabase, DB_FILE, type Database, type RoomMigrations } from '../runtime/database';
import { CoralError } from '../runtime/errors';
import { formatTarget, parseTarget } from './target';

export const boardOptionsSchema = z
  .object({
    /** A private key file to log in with (its path, not its content). */
    identityFile: z.string().min(1).optional(),
    /** Where models are pushed on the board. */
    workDir: z.string().min(1).optional(),
    /** For virtual boards: the profile they serve. */
    profile: z.string().min(1).optional(),
  })
  .strict();

export type BoardOptions = z.infer<typeof boardOptionsSchema>;

export interface SavedBoard {
  id: string;
  name: string;
  target: string;
  kind: 'ssh' | 'adb' | 'adb-tcp' | 'virtual';
  options: BoardOptions;
  createdAt: string;
  lastSeenAt: string | null;
  /** What the last probe found, in short (for the list). */
  lastProbe: { soc: string | null; boardModel: string | null; virtual: boolean } | null;
}

export const boardsRoom: RoomMigrations = {
  room: 'boards',
  migrations: [
    (db) =>
      db.exec(`CREATE TABLE boards (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        target TEXT NOT NULL,
        kind TEXT NOT NULL,
        options TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        last_seen_at TEXT,
        last_probe TEXT
      )`),
  ],
};

interface Row {
  id: string;
  name: string;
  target: string;
  kind: SavedBoard['kind'];
  options: string;
  created_at: string;
  last_seen_at: string | null;
  last_probe: string | null;
}

function fromRow(r: Row): SavedBoard {
  return {
    id: r.id,
    name: r.name,
    target: r.target,
    kind: r.kind,
    options: JSON.parse(r.options) as BoardOptions,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    lastProbe: r.last_probe ? (JSON.parse(r.last_probe) as SavedBoard['lastProbe']) : null,
  };
}

export interface NewBoard {
  target: string;
  name?: string;
  kind?: 'virtual';
  options?: BoardOptions;
}

export class BoardStore {
  constructor(private readonly db: Database) {}

  static open(dataDir: string): BoardStore {
    return new BoardStore(openDatabase(path.join(dataDir, DB_FILE), [boardsRoom]));
  }

  close(): void {
    this.db.close();
  }

  list(): SavedBoard[] {
    return (this.db.prepare('SELECT * FROM boards ORDER BY created_at, name').all() as Row[]).map(
      fromRow,
    );
  }

  get(id: string): SavedBoard | undefined {
    const r = this.db.prepare('SELECT * FROM boards WHERE id = ?').get(id) as Row | undefined;
    return r ? fromRow(r) : undefined;
  }

  /** By id or by name. */
  find(idOrName: string): SavedBoard | undefined {
    const r = this.db
      .prepare('SELECT * FROM boards WHERE id = ? OR name = ?')
      .get(idOrName, idOrName) as Row | undefined;
    return r ? fromRow(r) : undefined;
  }

  add(input: NewBoard): SavedBoard {
    const parsed = parseTarget(input.target);
    const options = boardOptionsSchema.safeParse(input.options ?? {});
    if (!options.success) {
      throw new CoralError(
        'BOARD_OPTIONS_INVALID',
        `Board options are not valid: ${options.error.issues.map((i) => i.message).join('; ')}.`,
        {
          hint: 'Boards keep identityFile, workDir and profile only; passwords are asked when connecting, never saved.',
        },
      );
    }
    const target = formatTarget(parsed);
    const name =
      (input.name ?? '').trim() ||
      this.uniqueName(
        parsed.kind === 'ssh'
          ? parsed.host
          : parsed.kind === 'adb'
            ? parsed.serial
            : `${parsed.host}:${parsed.port}`,
      );
    if (this.find(name)) {
      throw new CoralError('BOARD_NAME_TAKEN', `A board named "${name}" is already saved.`, {
        hint: 'Choose another name, or remove the old board first.',
      });
    }
    const board: SavedBoard = {
      id: crypto.randomUUID(),
      name,
      target,
      kind: input.kind ?? (parsed.kind === 'adb-tcp' ? 'adb-tcp' : parsed.kind),
      options: options.data,
      createdAt: new Date().toISOString(),
      lastSeenAt: null,
      lastProbe: null,
    };
    this.db
      .prepare(
        'INSERT INTO boards (id, name, target, kind, options, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(
        board.id,
        board.name,
        board.target,
        board.kind,
        JSON.stringify(board.options),
        board.createdAt,
      );
    return board;
  }

  private uniqueName(base: string): string {
    let name = base;
    for (let i = 2; this.find(name); i++) name = `${base}-${i}`;
    return name;
  }

  rename(id: string, name: string): SavedBoard {
    const other = this.find(name);
    if (other && other.id !== id)
      throw new CoralError('BOARD_NAME_TAKEN', `A board named "${name}" is already saved.`);
    this.db.prepare('UPDATE boards SET name = ? WHERE id = ?').run(name, id);
    return this.require(id);
  }

  setTarget(id: string, target: string): void {
    this.db
      .prepare('UPDATE boards SET target = ? WHERE id = ?')
      .run(formatTarget(parseTarget(target)), id);
  }

  remove(id: string): boolean {
    return this.db.prepare('DELETE FROM boards WHERE id = ?').run(id).changes > 0;
  }

  /** Records a successful contact and what the probe found. */
  seen(id: string, probe?: SavedBoard['lastProbe']): void {
    const now = new Date().toISOString();
    if (probe)
      this.db
        .prepare('UPDATE boards SET last_seen_at = ?, last_probe = ? WHERE id = ?')
        .run(now, JSON.stringify(probe), id);
    else this.db.prepare('UPDATE boards SET last_seen_at = ? WHERE id = ?').run(now, id);
  }

  require(id: string): SavedBoard {
    const b = this.find(id);
    if (!b)
      throw new CoralError('BOARD_NOT_FOUND', `No saved board "${id}".`, {
        hint: 'List saved boards with `coral boards list`.',
      });
    return b;
  }
}
