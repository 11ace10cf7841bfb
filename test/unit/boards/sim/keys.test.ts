import fs from 'node:fs';
import path from 'node:path';
import ssh2 from 'ssh2';
import { describe, expect, it } from 'vitest';
import { ensureKeyPair, generateKeyPair } from '../../../../electron/boards/sim/keys';
import { tempDir } from '../../../helpers/plugins';

describe('virtual board keys', () => {
  it('only hands out keys ssh2 can read back (its generator writes a malformed one ~3 in 1,000)', () => {
    for (let i = 0; i < 1500; i++) {
      const { privateKey } = generateKeyPair('test');
      expect(ssh2.utils.parseKey(privateKey)).not.toBeInstanceOf(Error);
    }
  });

  it('keeps one key per file and derives the public key from it, ignoring a stale .pub', () => {
    const file = path.join(tempDir(), 'keys', 'host_key');
    const first = ensureKeyPair(file, 'host');
    fs.writeFileSync(`${file}.pub`, 'ssh-ed25519 AAAAstale other\n');
    const again = ensureKeyPair(file, 'host');
    expect(again.privateKey).toBe(first.privateKey);
    expect(again.publicKey).toBe(first.publicKey);
    expect(fs.readFileSync(`${file}.pub`, 'utf8').trim()).toBe(first.publicKey);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(path.dirname(file)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('names the key file and the fix when the stored key is damaged', () => {
    const file = path.join(tempDir(), 'host_key');
    fs.writeFileSync(file, '-----BEGIN OPENSSH PRIVATE KEY-----\ngarbage\n');
    expect(() => ensureKeyPair(file, 'host')).toThrow(new RegExp(`${file}.*cannot be read`));
  });
});
