import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { CoralError } from './errors';

export type Database = BetterSqlite3.Database;

/**
 * Each room that persists something (run history, boards, …) contributes its own ordered
 * migrations. Versions are tracked per room, so rooms evolve their tables independently.
 */
export interface RoomMigrations {
  room: string;
  /** migrations[i] upgrades the room's schema from version i to i + 1. */
  migrations: Array<(db: Database) => void>;
}

export const DB_FILE = 'coral.db';

// Not named `require`: electron-vite's ESM shim declares that name in the bundle.
const requireCjs = createRequire(import.meta.url);

/**
 * Opens (creating if needed) the app's SQLite store in WAL mode and brings every room up to
 * date. A corrupted, locked or unreadable file becomes a CoralError naming the file, so
 * callers can keep the app running without persistence and say so.
 */
export function openDatabase(file: string, rooms: RoomMigrations[]): Database {
  let db: Database | undefined;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const Sqlite = requireCjs('better-sqlite3') as typeof BetterSqlite3;
    db = new Sqlite(file, { timeout: 2000 });
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.exec(
      'CREATE TABLE IF NOT EXISTS schema_versions (room TEXT PRIMARY KEY, version INTEGER NOT NULL)',
    );
    const current = db.prepare('SELECT version FROM schema_versions WHERE room = ?');
    const save = db.prepare(
      'INSERT INTO schema_versions(room, version) VALUES(?, ?) ON CONFLICT(room) DO UPDATE SET version = excluded.version',
    );
    for (const { room, migrations } of rooms) {
      const row = current.get(room) as { version: number } | undefined;
      const from = row?.version ?? 0;
      if (from > migrations.length) {
        throw new CoralError(
          'DB_TOO_NEW',
          `The database ${file} was written by a newer Coral Studio (${room} schema v${from}, this build knows v${migrations.length}).`,
          { hint: 'Update Coral Studio, or point CORAL_DATA_DIR at another directory.' },
        );
      }
      for (let v = from; v < migrations.length; v++) {
        db.transaction(() => {
          migrations[v](db as Database);
          save.run(room, v + 1);
        })();
      }
    }
    return db;
  } catch (e) {
    db?.close();
    if (e instanceof CoralError) throw e;
    const err = e as { code?: string; message?: string };
    const code = String(err.code ?? '');
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
      throw new CoralError('DB_LOCKED', `The database ${file} is locked by another process.`, {
        hint: 'Close other Coral Studio windows or CLI runs, then try again.',
        cause: e,
      });
    }
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
      throw new CoralError('DB_CORRUPT', `The database ${file} is damaged or not a database.`, {
        hint: 'Move the file aside (it is kept as is) and restart; a new one will be created.',
        cause: e,
      });
    }
    throw new CoralError('DB_OPEN_FAILED', `Could not open the database ${file}: ${err.message}`, {
      hint: 'Check that the data directory is writable (CORAL_DATA_DIR overrides it).',
      cause: e,
    });
  }
}
