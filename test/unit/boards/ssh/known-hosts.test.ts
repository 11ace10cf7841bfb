import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appendKnownHost,
  checkHostKey,
  fingerprint,
  hostFieldMatches,
  keyTypeOf,
  knownKeyTypes,
  parseKnownHosts,
  removeKnownHost,
} from '../../../../electron/boards/ssh/known-hosts';
import { tempDir } from '../../../helpers/boards';

let dir: string;
const keys: Record<string, { blob: Buffer; pub: string; file: string }> = {};

function keygen(name: string, type = 'ed25519') {
  const file = path.join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', file]);
  const pub = fs.readFileSync(`${file}.pub`, 'utf8').trim();
  keys[name] = { blob: Buffer.from(pub.split(' ')[1], 'base64'), pub, file };
  return keys[name];
}

beforeAll(() => {
  dir = tempDir('coral-kh-');
  keygen('a');
  keygen('b');
  keygen('r', 'ecdsa');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const line = (hosts: string, k: { pub: string }) =>
  `${hosts} ${k.pub.split(' ').slice(0, 2).join(' ')}`;

describe('known_hosts', () => {
  it('computes the same SHA256 fingerprint as ssh-keygen -l', () => {
    const out = execFileSync('ssh-keygen', ['-l', '-f', `${keys.a.file}.pub`], {
      encoding: 'utf8',
    });
    expect(out).toContain(fingerprint(keys.a.blob));
    expect(keyTypeOf(keys.a.blob)).toBe('ssh-ed25519');
  });

  it('recognises a host hashed by ssh-keygen -H, on port 22 and on another port', () => {
    const file = path.join(dir, 'known_hosts');
    fs.writeFileSync(file, `${line('board.lan', keys.a)}\n${line('[10.0.0.5]:2222', keys.b)}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toContain('board.lan');
    expect(checkHostKey('board.lan', 22, keys.a.blob, [file]).status).toBe('known');
    expect(checkHostKey('10.0.0.5', 2222, keys.b.blob, [file]).status).toBe('known');
    expect(checkHostKey('10.0.0.5', 22, keys.b.blob, [file]).status).toBe('unknown');
  });

  it('reports a changed key with the known fingerprint, its file and line', () => {
    const file = path.join(dir, 'known_hosts');
    fs.writeFileSync(file, `# comment\n${line('[127.0.0.1]:2200', keys.a)}\n`);
    const check = checkHostKey('127.0.0.1', 2200, keys.b.blob, [file]);
    expect(check).toEqual({
      status: 'changed',
      actual: fingerprint(keys.b.blob),
      expected: [{ fingerprint: fingerprint(keys.a.blob), file, line: 2 }],
    });
  });

  it('treats a key of another type as unknown and says which types are known', () => {
    const file = path.join(dir, 'known_hosts');
    fs.writeFileSync(file, `${line('board', keys.a)}\n`);
    expect(checkHostKey('board', 22, keys.r.blob, [file])).toMatchObject({
      status: 'unknown',
      otherKnownTypes: ['ssh-ed25519'],
    });
    expect(knownKeyTypes('board', 22, [file])).toEqual(['ssh-ed25519']);
  });

  it('refuses a key marked @revoked even when it is also listed as known', () => {
    const file = path.join(dir, 'known_hosts');
    fs.writeFileSync(file, `${line('board', keys.a)}\n@revoked ${line('*', keys.a)}\n`);
    expect(checkHostKey('board', 22, keys.a.blob, [file]).status).toBe('revoked');
  });

  it('matches patterns with wildcards and negations, and [host]:port literally', () => {
    expect(hostFieldMatches('*.lan,!evil.lan', 'a.lan')).toBe(true);
    expect(hostFieldMatches('*.lan,!evil.lan', 'evil.lan')).toBe(false);
    expect(hostFieldMatches('[127.0.0.1]:2222', '[127.0.0.1]:2222')).toBe(true);
    expect(hostFieldMatches('[127.0.0.1]:2222', '[127.0.0.1]:22')).toBe(false);
  });

  it('ignores damaged lines instead of failing', () => {
    const entries = parseKnownHosts(
      `host ssh-ed25519 !!!notbase64\nhost ssh-rsa ${keys.a.pub.split(' ')[1]}\nonlyone\n${line('ok', keys.a)}\n`,
      'f',
    );
    expect(entries.map((e) => e.hosts)).toEqual(['ok']);
  });

  it('appends trusted keys in OpenSSH format that ssh-keygen -F finds, and removes them again', () => {
    const file = path.join(dir, 'app', 'known_hosts');
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
    appendKnownHost(file, '127.0.0.1', 2222, keys.a.blob);
    appendKnownHost(file, 'board.lan', 22, keys.b.blob);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const found = execFileSync('ssh-keygen', ['-F', '[127.0.0.1]:2222', '-f', file], {
      encoding: 'utf8',
    });
    expect(found).toContain(keys.a.pub.split(' ')[1]);
    expect(checkHostKey('127.0.0.1', 2222, keys.a.blob, [file]).status).toBe('known');
    expect(removeKnownHost(file, '127.0.0.1', 2222)).toBe(1);
    expect(checkHostKey('127.0.0.1', 2222, keys.a.blob, [file]).status).toBe('unknown');
    expect(checkHostKey('board.lan', 22, keys.b.blob, [file]).status).toBe('known');
  });

  it('treats missing files as empty', () => {
    expect(checkHostKey('x', 22, keys.a.blob, [path.join(dir, 'none')]).status).toBe('unknown');
  });
});
