import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BoardStore } from '../../../electron/boards/store';
import { openDatabase, DB_FILE } from '../../../electron/runtime/database';
import { tempDir } from '../../helpers/boards';

let dir: string;
let store: BoardStore;
beforeEach(() => {
  dir = tempDir('coral-store-');
  store = BoardStore.open(dir);
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('saved boards', () => {
  it('saves boards in the app database and finds them by name or id after reopening', () => {
    const b = store.add({
      target: 'ssh://root@10.0.0.5:2222',
      name: 'rock5b',
      options: { identityFile: '/home/me/.ssh/id_rock', workDir: '/userdata' },
    });
    store.close();
    store = BoardStore.open(dir);
    expect(store.find('rock5b')).toMatchObject({
      id: b.id,
      target: 'ssh://root@10.0.0.5:2222',
      kind: 'ssh',
      options: { workDir: '/userdata' },
    });
    expect(store.find(b.id)?.name).toBe('rock5b');
    expect(fs.existsSync(path.join(dir, DB_FILE))).toBe(true);
  });

  it('names a board after its host when no name is given, uniquely', () => {
    expect(store.add({ target: 'adb+tcp://10.0.0.9' }).name).toBe('10.0.0.9:5555');
    expect(store.add({ target: 'adb+tcp://10.0.0.9:5555' }).name).toBe('10.0.0.9:5555-2');
    expect(store.add({ target: 'adb:ABC' })).toMatchObject({ name: 'ABC', kind: 'adb' });
  });

  it('refuses options that could hold a secret', () => {
    expect(() =>
      store.add({ target: 'ssh://root@h', options: { password: 'hunter2' } as never }),
    ).toThrowError(
      expect.objectContaining({
        code: 'BOARD_OPTIONS_INVALID',
        hint: expect.stringContaining('never saved'),
      }),
    );
    const raw = fs.readFileSync(path.join(dir, DB_FILE));
    expect(raw.includes(Buffer.from('hunter2'))).toBe(false);
  });

  it('refuses an invalid target and a duplicate name', () => {
    expect(() => store.add({ target: 'http://x' })).toThrowError(
      expect.objectContaining({ code: 'BOARD_TARGET_INVALID' }),
    );
    store.add({ target: 'ssh://h', name: 'x' });
    expect(() => store.add({ target: 'ssh://h2', name: 'x' })).toThrowError(
      expect.objectContaining({ code: 'BOARD_NAME_TAKEN' }),
    );
  });

  it('records when a board was seen and what the probe found', () => {
    const b = store.add({ target: 'ssh://h' });
    store.seen(b.id, { soc: 'rk3588', boardModel: 'ROCK 5B', virtual: false });
    expect(store.get(b.id)).toMatchObject({
      lastProbe: { soc: 'rk3588' },
      lastSeenAt: expect.any(String),
    });
  });

  it('says which board it could not find', () => {
    expect(() => store.require('ghost')).toThrowError(
      expect.objectContaining({
        code: 'BOARD_NOT_FOUND',
        message: expect.stringContaining('ghost'),
      }),
    );
  });

  it('shares the database file with other rooms without touching their tables', () => {
    store.close();
    const db = openDatabase(path.join(dir, DB_FILE), [
      { room: 'history', migrations: [(d) => d.exec('CREATE TABLE runs (id TEXT)')] },
    ]);
    db.close();
    store = BoardStore.open(dir);
    store.add({ target: 'ssh://h' });
    expect(store.list()).toHaveLength(1);
  });
});
